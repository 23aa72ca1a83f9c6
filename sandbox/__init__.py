"""Run untrusted learner code: RestrictedPython policy, warm pre-forked children, OS limits.

async with Sandbox(workers=2) as sandbox:
    result = await sandbox.run(code, preset={"x": array}, probes={"loss": "mse(x, x)"})
"""

from sandbox.limits import Limits
from sandbox.pool import Sandbox, SandboxOptions
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status
from sandbox.zygote_client import LayerReport, SandboxUnavailable

__all__ = [
    "ErrorInfo",
    "LayerReport",
    "Limits",
    "ProbeValue",
    "RunResult",
    "Sandbox",
    "SandboxOptions",
    "SandboxUnavailable",
    "Status",
]
