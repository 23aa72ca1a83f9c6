"""Run untrusted learner code: RestrictedPython policy, warm pre-forked children, OS limits.

async with Sandbox(workers=2) as sandbox:
    result = await sandbox.run(code, preset={"x": array}, probes={"loss": "mse(x, x)"})
"""

from sandbox.limits import Limits
from sandbox.pool import LayerReport, Sandbox, SandboxOptions, SandboxUnavailable
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status

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
