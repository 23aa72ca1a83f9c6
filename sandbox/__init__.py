"""Run untrusted learner code: RestrictedPython policy, warm pre-forked children, OS limits.

async with Sandbox(workers=2) as sandbox:
    result = await sandbox.run(code, preset={"x": array}, probes={"loss": "mse(x, x)"})

The public names are loaded on first use: the zygote imports `sandbox.zygote`, which runs
this file first, and must not pull in the pool's asyncio, logging and threading. Their
at-fork handlers would run in every forked child, and their objects would be pages each
child and the zygote copy (see the README's "Where one sandbox run's time goes").
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.limits import Limits
    from sandbox.pool import Sandbox, SandboxOptions
    from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status
    from sandbox.zygote_client import LayerReport, SandboxUnavailable

# public name -> the module that defines it
_EXPORTS = {
    "ErrorInfo": "sandbox.result",
    "LayerReport": "sandbox.zygote_client",
    "Limits": "sandbox.limits",
    "ProbeValue": "sandbox.result",
    "RunResult": "sandbox.result",
    "Sandbox": "sandbox.pool",
    "SandboxOptions": "sandbox.pool",
    "SandboxUnavailable": "sandbox.zygote_client",
    "Status": "sandbox.result",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value
