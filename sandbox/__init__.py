"""Run untrusted learner code: RestrictedPython policy, warm pre-forked children, OS limits."""

from sandbox.limits import Limits
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status

__all__ = ["ErrorInfo", "Limits", "ProbeValue", "RunResult", "Status"]
