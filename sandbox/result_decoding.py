"""The details of a run, read from the bytes its child wrote, trusting none of them.

Assume the policy layer fell: then the child is plain Python and can write any bytes. So
the frame must be exactly one complete frame and nothing else; every value must have the
shape an honest child writes; every string is cut to a cap; lists, mappings and nesting
are bounded. Anything else raises `HostileResult`, and the caller makes that run `crashed`.
The frame never decides how the run ended (see sandbox.child_io).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.json_floats import FLOAT_TAG, NONFINITE
from sandbox.limits import Limits
from sandbox.protocol import HEADER
from sandbox.result import ErrorInfo, ProbeValue, Status

MAX_DEPTH = 32  # an honest probe value nests at most values.MAX_DEPTH (20) deep
MAX_NODES = 2_000_000  # values in the whole frame; RESULT_CAP keeps honest ones far below
MAX_PROBES = 256
MAX_SHAPE = 64  # numpy's own limit on dimensions
NAME_CHARS = 200
TYPE_CHARS = 100
MESSAGE_CHARS = 2000  # what the child itself keeps of an exception message
SOURCE_LINE_CHARS = 500
KIND_CHARS = 32
MAX_LINE = 10_000_000

# A child may report these. `timeout` only ever comes from the zygote's clock; `rejected`
# only when the policy layer is on, which is the only thing that can refuse.
_FROM_CHILD = frozenset(
    {Status.OK, Status.ERROR, Status.SYNTAX_ERROR, Status.MEMORY, Status.OUTPUT_LIMIT,
     Status.REJECTED, Status.CRASHED}
)  # fmt: skip


class HostileResult(ValueError):
    """The child's bytes are not what an honest child writes."""


@dataclass(frozen=True)
class Details:
    status: Status
    stdout: str
    stdout_truncated: bool
    error: ErrorInfo | None
    probes: dict[str, ProbeValue]
    cpu_ms: float | None


def decode_details(raw: bytes, limits: Limits, *, policy: bool) -> Details:
    """Raise HostileResult (or any other exception, which the caller treats the same) on
    anything that is not one well-formed result frame."""
    result = _one_frame(raw)
    status = _status(result.get("status"), policy=policy)
    sent = _text(result.get("stdout", ""), limits.output_bytes + 1)
    stdout = sent.encode("utf-8", "replace")[: limits.output_bytes].decode("utf-8", "replace")
    return Details(
        status=status,
        stdout=stdout,
        # Cut here (a child that ignored the cap) is truncated whatever the child claims.
        stdout_truncated=_flag(result.get("stdout_truncated", False)) or stdout != sent,
        error=_error(result.get("error")),
        probes=_probes(result.get("probes", {}), limits),
        cpu_ms=_number(result.get("cpu_ms")),
    )


def _one_frame(raw: bytes) -> Mapping[str, Any]:
    if len(raw) < HEADER.size:
        raise HostileResult("no complete frame")
    (length,) = HEADER.unpack_from(raw)
    if length != len(raw) - HEADER.size:
        raise HostileResult("a truncated frame, or bytes after the frame")
    try:
        message = json.loads(
            raw[HEADER.size :].decode("utf-8", errors="replace"),
            parse_constant=_refuse_constant,  # bare NaN/Infinity: an honest child tags them
        )
    except RecursionError as exc:
        raise HostileResult("nested too deeply") from exc
    if not isinstance(message, dict) or list(message) != ["result"]:
        raise HostileResult("not a result message")
    result = message["result"]
    if not isinstance(result, dict):
        raise HostileResult("the result is not a mapping")
    _check_plain(result, 0, [0])
    return result


def _refuse_constant(name: str) -> Any:
    raise HostileResult(f"bare {name}")


def _check_plain(value: Any, depth: int, nodes: list[int]) -> None:
    """JSON-native, finite, bounded: walked once, before any field is read."""
    nodes[0] += 1
    if depth > MAX_DEPTH or nodes[0] > MAX_NODES:
        raise HostileResult("nested too deeply, or too many values")
    if isinstance(value, float) and not math.isfinite(value):
        raise HostileResult("a non-finite float outside a tag")  # 1e999 parses as inf
    if isinstance(value, list):
        for item in value:
            _check_plain(item, depth + 1, nodes)
    elif isinstance(value, dict):
        for item in value.values():
            _check_plain(item, depth + 1, nodes)


def _status(raw: Any, *, policy: bool) -> Status:
    if not isinstance(raw, str):
        raise HostileResult("the status is not text")
    try:
        status = Status(raw)
    except ValueError:
        raise HostileResult("an unknown status") from None
    if status not in _FROM_CHILD or (status is Status.REJECTED and not policy):
        raise HostileResult(f"a child cannot report {status.value!r}")
    return status


def _text(raw: Any, cap: int) -> str:
    if not isinstance(raw, str):
        raise HostileResult("text expected")
    return raw[:cap]


def _optional_text(raw: Any, cap: int) -> str | None:
    return None if raw is None else _text(raw, cap)


def _flag(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise HostileResult("a flag expected")
    return raw


def _integer(raw: Any, low: int, high: int) -> int:
    if type(raw) is not int or not low <= raw <= high:
        raise HostileResult("an integer out of range")
    return raw


def _optional_line(raw: Any) -> int | None:
    return None if raw is None else _integer(raw, 0, MAX_LINE)


def _number(raw: Any) -> float | None:
    if raw is None:
        return None
    if type(raw) not in (int, float):
        raise HostileResult("a number expected")
    return float(raw)


def _error(raw: Any) -> ErrorInfo | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise HostileResult("the error is not a mapping")
    return ErrorInfo(
        type=_text(raw.get("type", "Error"), TYPE_CHARS),
        message=_text(raw.get("message", ""), MESSAGE_CHARS),
        line=_optional_line(raw.get("line")),
        source_line=_optional_text(raw.get("source_line"), SOURCE_LINE_CHARS),
        column=_optional_line(raw.get("column")),
    )


def _probes(raw: Any, limits: Limits) -> dict[str, ProbeValue]:
    if not isinstance(raw, dict) or len(raw) > MAX_PROBES:
        raise HostileResult("probes are not a small mapping")
    return {_text(name, NAME_CHARS): _probe(entry, limits) for name, entry in raw.items()}


def _probe(raw: Any, limits: Limits) -> ProbeValue:
    if not isinstance(raw, dict):
        raise HostileResult("a probe entry is not a mapping")
    if not _flag(raw.get("ok")):
        return ProbeValue(ok=False, error=_error(raw.get("error")))
    shape = raw.get("shape")
    if shape is not None:
        if not isinstance(shape, list) or len(shape) > MAX_SHAPE:
            raise HostileResult("a probe shape is not a short list")
        shape = tuple(_integer(n, 0, 2**62) for n in shape)
    return ProbeValue(
        ok=True,
        kind=_text(raw.get("kind", "other"), KIND_CHARS),
        value=_value(raw.get("value"), limits.probe_bytes),
        shape=shape,
        dtype=_optional_text(raw.get("dtype"), KIND_CHARS),
    )


def _value(raw: Any, text_cap: int) -> Any:
    """A probe's value with its float tags turned back into NaN and infinities. The depth
    and size were checked by _check_plain."""
    if isinstance(raw, dict):
        tag = raw.get(FLOAT_TAG) if len(raw) == 1 else None
        if isinstance(tag, str) and tag in NONFINITE:
            return NONFINITE[tag]
        return {key[:text_cap]: _value(item, text_cap) for key, item in raw.items()}
    if isinstance(raw, list):
        return [_value(item, text_cap) for item in raw]
    if isinstance(raw, str):
        return raw[:text_cap]
    return raw
