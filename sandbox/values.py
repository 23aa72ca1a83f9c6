"""Plain-data encoding across the process boundary: presets in, probe values out.

Only JSON-native data crosses. Arrays travel as tagged nested lists; NaN and infinities as
tagged strings (see sandbox.result). A value too large or too strange becomes an error entry.
"""

from __future__ import annotations

import json
import math
import types
from collections.abc import Mapping
from typing import Any

import numpy as np

from sandbox.json_floats import decode_floats, encode_floats
from sandbox.sealed import SealedCallable, SealedPrint

_ARRAY_TAG = "$array"
MAX_DEPTH = 20


class ValueTooLarge(ValueError):
    pass


def encode_preset(preset: Mapping[str, Any]) -> dict[str, Any]:
    """Caller side: numpy arrays become {"$array": nested list, "dtype": str}."""

    def encode(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return {_ARRAY_TAG: encode_floats(value.tolist()), "dtype": str(value.dtype)}
        if isinstance(value, np.generic):
            return encode_floats(value.item())
        if isinstance(value, Mapping):
            return {str(k): encode(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if value is None or isinstance(value, (bool, int, float, str)):
            return encode_floats(value)
        raise TypeError(f"preset values must be plain data or numpy arrays, not {type(value)}")

    return {str(name): encode(value) for name, value in preset.items()}


def decode_preset(data: Mapping[str, Any]) -> dict[str, Any]:
    """Child side: the inverse of encode_preset."""

    def decode(value: Any) -> Any:
        if isinstance(value, dict):
            if _ARRAY_TAG in value:
                return np.array(decode_floats(value[_ARRAY_TAG]), dtype=str(value["dtype"]))
            return {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(v) for v in value]
        return decode_floats(value)

    return {name: decode(value) for name, value in data.items()}


def describe_value(value: Any, max_bytes: int) -> dict[str, Any]:
    """A probe's value as {"ok", "kind", "value", "shape"?, "dtype"?}, or an error entry."""
    try:
        entry = _describe(value, max_bytes)
        size = len(json.dumps(entry, allow_nan=False))
    except ValueTooLarge as exc:
        return _error("ValueTooLarge", str(exc))
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        return _error("UnserializableValue", f"{type(exc).__name__}: {exc}"[:300])
    if size > max_bytes:
        return _error(
            "ValueTooLarge", f"the value is {size:,} bytes as data; the cap is {max_bytes:,}"
        )
    return entry


def _describe(value: Any, max_bytes: int) -> dict[str, Any]:
    if isinstance(value, np.ndarray):
        if value.size * 4 > max_bytes:
            raise ValueTooLarge(f"the array has {value.size:,} elements")
        return {
            "ok": True,
            "kind": "ndarray",
            "value": _plain(value.tolist(), 0),
            "shape": list(value.shape),
            "dtype": str(value.dtype),
        }
    if isinstance(value, np.generic):
        return {"ok": True, "kind": _kind(value.item()), "value": _plain(value.item(), 0),
                "dtype": str(value.dtype)}  # fmt: skip
    if isinstance(value, _FUNCTIONS):
        return {"ok": True, "kind": "function", "value": None}
    if isinstance(value, type):
        return {"ok": True, "kind": "class", "value": None}
    kind = _kind(value)
    if kind == "other":
        return {"ok": True, "kind": "other", "value": type(value).__name__}
    return {"ok": True, "kind": kind, "value": _plain(value, 0)}


# A learner's `f = np.mean` holds a sealed callable; it is still a function to a lesson.
_FUNCTIONS = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    SealedCallable,
    SealedPrint,
)


def _kind(value: Any) -> str:
    for kind, types_ in (
        ("none", type(None)),
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("str", str),
        ("list", list),
        ("tuple", tuple),
        ("dict", dict),
    ):
        if type(value) is types_:
            return kind
    return "other"


def _plain(value: Any, depth: int) -> Any:
    """Nested data down to JSON-native values; learner subclasses are never trusted."""
    if depth > MAX_DEPTH:
        raise ValueTooLarge("the value is nested too deeply")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if value.bit_length() > 4096:  # about 1,200 digits: plenty for any lesson
            raise ValueTooLarge("the integer is too large")
        return value
    if kind is float:
        return value if math.isfinite(value) else encode_floats(value)
    if kind in (list, tuple):
        return [_plain(v, depth + 1) for v in value]
    if kind is dict:
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, np.generic):
        return _plain(value.item(), depth + 1)
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), depth + 1)
    return f"<{kind.__name__}>"


def _error(kind: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"type": kind, "message": message}}
