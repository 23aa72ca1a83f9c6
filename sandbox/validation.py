"""Checks on the submitted text made in the parent, before a child is spent on it."""

from __future__ import annotations

from sandbox.limits import Limits
from sandbox.result import ErrorInfo


def validate_code(code: str | bytes, limits: Limits) -> tuple[str | None, ErrorInfo | None]:
    """Return (text, None) when the code may run, or (None, the reason it may not)."""
    size = len(code) if isinstance(code, bytes) else len(code.encode("utf-8", "surrogatepass"))
    if size > limits.code_bytes:
        return None, _refuse(
            "CodeTooLarge",
            f"your code is {size:,} bytes; the limit is {limits.code_bytes:,}. "
            "Send only the code the task asks for.",
        )
    if isinstance(code, bytes):
        try:
            code = code.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, _refuse(
                "NotText", f"your code is not valid UTF-8 text (byte {exc.start} can't be read)"
            )
    if "\x00" in code:
        line = code[: code.index("\x00")].count("\n") + 1
        return None, _refuse("NotText", "your code contains a NUL character", line=line)
    try:
        code.encode("utf-8")  # lone surrogates can't be encoded; one C-level pass, not a loop
    except UnicodeEncodeError:
        return None, _refuse("NotText", "your code contains characters that aren't valid text")
    if not code.strip():
        return None, _refuse("EmptyCode", "there is no code to run")
    return code, None


def _refuse(kind: str, message: str, line: int | None = None) -> ErrorInfo:
    return ErrorInfo(type=kind, message=message, line=line)
