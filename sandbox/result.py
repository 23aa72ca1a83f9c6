"""What a sandbox run returns: plain data only, nothing of the learner's objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.json_floats import decode_floats, encode_floats


class Status(StrEnum):
    OK = "ok"
    ERROR = "error"  # the learner's code raised
    SYNTAX_ERROR = "syntax_error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    REJECTED = "rejected"  # the policy refused the code before it ran
    CRASHED = "crashed"  # the child died by a signal, or the sandbox itself failed


@dataclass(frozen=True)
class ErrorInfo:
    type: str
    message: str
    line: int | None = None  # 1-based line in the learner's code
    source_line: str | None = None
    column: int | None = None  # 1-based caret position, for syntax errors

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ErrorInfo | None:
        if not data:
            return None
        return cls(
            type=str(data.get("type", "Error")),
            message=str(data.get("message", "")),
            line=_opt_int(data.get("line")),
            source_line=None if data.get("source_line") is None else str(data["source_line"]),
            column=_opt_int(data.get("column")),
        )


@dataclass(frozen=True)
class ProbeValue:
    """The value of one probe expression, evaluated after the learner's code ran.

    `kind` names the Python type in the learner's terms ("float", "int", "bool", "str",
    "none", "list", "tuple", "dict", "ndarray", "function", "other"); `value` is
    JSON-native data (arrays become nested lists; NaN and infinities are floats again).
    """

    ok: bool
    kind: str = "none"
    value: Any = None
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    error: ErrorInfo | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProbeValue:
        if not data.get("ok"):
            return cls(ok=False, error=ErrorInfo.from_json(data.get("error")))
        shape = data.get("shape")
        return cls(
            ok=True,
            kind=str(data.get("kind", "other")),
            value=decode_floats(data.get("value")),
            shape=None if shape is None else tuple(int(n) for n in shape),
            dtype=data.get("dtype"),
        )


@dataclass(frozen=True)
class RunResult:
    status: Status
    stdout: str = ""
    error: ErrorInfo | None = None
    probes: dict[str, ProbeValue] = field(default_factory=dict)
    wall_ms: float = 0.0
    cpu_ms: float | None = None
    message: str = ""  # the status in plain words, for people
    stdout_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["probes"] = {name: asdict(p) for name, p in self.probes.items()}
        encoded: dict[str, Any] = encode_floats(data)
        return encoded


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
