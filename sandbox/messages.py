"""Each run status in plain words, for learners and lesson authors."""

from __future__ import annotations

from sandbox.limits import Limits
from sandbox.result import ErrorInfo, Status


def describe(status: Status, error: ErrorInfo | None, limits: Limits) -> str:
    where = f" on line {error.line}" if error and error.line else ""
    if status is Status.OK:
        return "Your code ran to the end."
    if status is Status.ERROR and error:
        return f"Your code raised {error.type}{where}: {error.message}"
    if status is Status.SYNTAX_ERROR and error:
        return f"Python couldn't read your code{where}: {error.message}"
    if status is Status.TIMEOUT:
        return (
            f"Your code ran longer than {limits.timeout_s:g} s and was stopped. "
            "Look for a loop that never ends, or work that is far bigger than the task needs."
        )
    if status is Status.MEMORY:
        return (
            f"Your code needed more than {limits.memory_mb} MB of memory and was stopped. "
            "Check the sizes of the arrays you create."
        )
    if status is Status.OUTPUT_LIMIT:
        return (
            f"Your code printed more than {limits.output_bytes:,} bytes or "
            f"{limits.output_lines:,} lines, so it was stopped. Print less, or only at the end."
        )
    if status is Status.REJECTED and error:
        return f"This isn't allowed in the sandbox{where}: {error.message}"
    if status is Status.CRASHED:
        detail = f" ({error.message})" if error else ""
        return f"The run crashed{detail}. If it keeps happening, please tell a moderator."
    return status.value
