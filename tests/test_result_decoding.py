"""decode_details on its own: an honest child's frame comes back exactly, every documented
bound holds at its edge, and anything else raises HostileResult naming what was wrong.

The bounds are written out here, not read from the module, so that changing one is a
decision a test notices.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest

from sandbox import Limits, Status
from sandbox.protocol import encode_frame
from sandbox.result import ErrorInfo, ProbeValue
from sandbox.result_decoding import HostileResult, decode_details

LIMITS = Limits()
HONEST = {"status": "ok", "stdout": "hi\n", "probes": {}}


def decode(result: Any, *, policy: bool = True, limits: Limits = LIMITS) -> Any:
    return decode_details(encode_frame({"result": result}), limits, policy=policy)


def hostile(result: Any, reason: str) -> None:
    with pytest.raises(HostileResult, match=reason):
        decode(result)


def probe(entry: dict[str, Any]) -> ProbeValue:
    return decode({**HONEST, "probes": {"p": entry}}).probes["p"]


def test_an_honest_result_comes_back_exactly() -> None:
    error = {
        "type": "ValueError",
        "message": "bad",
        "line": 3,
        "source_line": "x = f()",
        "column": 0,
    }
    probes = {
        "w": {
            "ok": True,
            "kind": "ndarray",
            "value": [[1.5, 2.0]],
            "shape": [1, 2],
            "dtype": "float64",
        },
        "s": {"ok": True, "kind": "str", "value": "text"},
        "n": {"ok": True, "value": 7},
        "missing": {"ok": False, "error": {"type": "NameError", "message": "no w2"}},
    }
    details = decode(
        {
            "status": "error",
            "stdout": "out\n",
            "stdout_truncated": True,
            "error": error,
            "probes": probes,
            "cpu_ms": 12,
        }
    )
    assert details.status is Status.ERROR and details.stdout == "out\n"
    assert details.stdout_truncated is True
    assert details.error == ErrorInfo("ValueError", "bad", 3, "x = f()", 0)
    assert details.cpu_ms == 12.0 and type(details.cpu_ms) is float
    assert details.probes == {
        "w": ProbeValue(ok=True, kind="ndarray", value=[[1.5, 2.0]], shape=(1, 2), dtype="float64"),
        "s": ProbeValue(ok=True, kind="str", value="text"),
        "n": ProbeValue(ok=True, kind="other", value=7),
        "missing": ProbeValue(ok=False, error=ErrorInfo("NameError", "no w2")),
    }


def test_what_an_honest_child_may_leave_out() -> None:
    details = decode({"status": "ok"})
    assert details.stdout == "" and details.stdout_truncated is False
    assert details.error is None and details.probes == {} and details.cpu_ms is None
    assert decode({**HONEST, "cpu_ms": 2.5}).cpu_ms == 2.5
    assert decode({**HONEST, "error": {}}).error == ErrorInfo("Error", "")


@pytest.mark.parametrize(
    "status",
    ["ok", "error", "syntax_error", "memory", "output_limit", "rejected", "crashed"],
)
def test_every_status_a_child_may_report(status: str) -> None:
    assert decode({**HONEST, "status": status}).status is Status(status)


def test_timeout_never_comes_from_a_child_and_rejected_only_with_the_policy_on() -> None:
    hostile({**HONEST, "status": "timeout"}, "cannot report 'timeout'")
    with pytest.raises(HostileResult, match="cannot report 'rejected'"):
        decode({**HONEST, "status": "rejected"}, policy=False)
    hostile({**HONEST, "status": "fine"}, "an unknown status")
    hostile({**HONEST, "status": 1}, "the status is not text")


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ({**HONEST, "stdout": 5}, "text expected"),
        ({**HONEST, "stdout_truncated": 1}, "a flag expected"),
        ({**HONEST, "cpu_ms": "3"}, "a number expected"),
        ({**HONEST, "cpu_ms": True}, "a number expected"),
        ({**HONEST, "error": "boom"}, "the error is not a mapping"),
        ({**HONEST, "error": {"line": -1}}, "an integer out of range"),
        ({**HONEST, "error": {"line": 2.0}}, "an integer out of range"),
        ({**HONEST, "error": {"line": True}}, "an integer out of range"),
        ({**HONEST, "probes": []}, "probes are not a small mapping"),
        ({**HONEST, "probes": {"p": 1}}, "a probe entry is not a mapping"),
        ({**HONEST, "probes": {"p": {"ok": True, "shape": "2"}}}, "a probe shape is not"),
        ({**HONEST, "probes": {"p": {"ok": True, "shape": [True]}}}, "integer out of range"),
        ({**HONEST, "probes": {"p": {"ok": True, "shape": [-1]}}}, "integer out of range"),
        ([], "the result is not a mapping"),
    ],
)
def test_values_of_the_wrong_shape_are_hostile(result: Any, reason: str) -> None:
    hostile(result, reason)


def _raw(body: bytes, length: int | None = None) -> bytes:
    return struct.pack(">I", len(body) if length is None else length) + body


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x00\x00", "no complete frame"),
        (_raw(json.dumps({"result": HONEST}).encode(), length=1), "bytes after the frame"),
        (_raw(b'{"result": {}}', length=99), "a truncated frame"),
        (_raw(b"[" * 100_000 + b"]" * 100_000), "nested too deeply"),
        (_raw(b'{"result": {}, "more": 1}'), "not a result message"),
        # 1e999 parses as inf: refused inside lists and mappings too
        (_raw(b'{"result": {"status": "ok", "x": [[1e999]]}}'), "non-finite float"),
        (_raw(b'{"result": {"status": "ok", "x": {"a": {"b": 1e999}}}}'), "non-finite float"),
    ],
    ids=["short", "bytes-after", "truncated", "deep", "extra-key", "inf-list", "inf-dict"],
)
def test_anything_but_exactly_one_frame_is_hostile(raw: bytes, reason: str) -> None:
    with pytest.raises(HostileResult, match=reason):
        decode_details(raw, LIMITS, policy=True)


# -- every bound at its edge -------------------------------------------------------------


def _nested(levels: int, kind: str) -> Any:
    value: Any = [] if kind == "list" else {}
    for _ in range(levels - 1):
        value = [value] if kind == "list" else {"a": value}
    return value


@pytest.mark.parametrize("kind", ["list", "dict"])
def test_nesting_is_bounded_at_32_levels_below_the_result(kind: str) -> None:
    # result (0) > probes (1) > entry (2) > value (3 ...): 30 levels end at depth 32.
    assert probe({"ok": True, "value": _nested(30, kind)}).value == _nested(30, kind)
    hostile({**HONEST, "probes": {"p": {"ok": True, "value": _nested(31, kind)}}}, "deeply")


def test_the_whole_frame_holds_at_most_two_million_values() -> None:
    # result, status, stdout, probes, entry, ok, value list: 7 values, then the items.
    fits = 2_000_000 - 7
    assert len(probe({"ok": True, "value": [0] * fits}).value) == fits
    hostile({**HONEST, "probes": {"p": {"ok": True, "value": [0] * (fits + 1)}}}, "too many")


def test_at_most_256_probes() -> None:
    many = {f"p{i}": {"ok": True, "value": i} for i in range(256)}
    assert len(decode({**HONEST, "probes": many}).probes) == 256
    hostile({**HONEST, "probes": {**many, "one_more": {"ok": True}}}, "not a small mapping")


def test_shapes_have_at_most_64_dimensions_of_0_to_2_to_the_62() -> None:
    assert probe({"ok": True, "shape": [1] * 64}).shape == (1,) * 64
    hostile({**HONEST, "probes": {"p": {"ok": True, "shape": [1] * 65}}}, "not a short list")
    assert probe({"ok": True, "shape": [0, 2**62]}).shape == (0, 2**62)
    hostile({**HONEST, "probes": {"p": {"ok": True, "shape": [2**62 + 1]}}}, "out of range")


def test_lines_run_from_0_to_ten_million() -> None:
    error = decode({**HONEST, "error": {"line": 0, "column": 10_000_000}}).error
    assert error is not None and error.line == 0 and error.column == 10_000_000
    hostile({**HONEST, "error": {"line": 10_000_001}}, "out of range")


def test_texts_are_cut_to_their_caps() -> None:
    error = decode(
        {**HONEST, "error": {"type": "T" * 150, "message": "m" * 3000, "source_line": "s" * 600}}
    ).error
    assert error is not None
    assert (len(error.type), len(error.message), len(error.source_line or "")) == (100, 2000, 500)
    names = decode({**HONEST, "probes": {"n" * 300: {"ok": True}}}).probes
    assert list(names) == ["n" * 200]
    entry = probe({"ok": True, "kind": "k" * 40, "dtype": "d" * 40, "value": "v" * 40})
    assert (entry.kind, entry.dtype, entry.value) == ("k" * 32, "d" * 32, "v" * 40)
    small = Limits(probe_bytes=5)
    value = (
        decode(
            {
                **HONEST,
                "probes": {"p": {"ok": True, "value": {"key" * 3: ["abcdefgh", 1.5, None]}}},
            },
            limits=small,
        )
        .probes["p"]
        .value
    )
    assert value == {"keyke": ["abcde", 1.5, None]}
    assert decode({**HONEST, "stdout": "é" * 20_000}).stdout == "é" * (LIMITS.output_bytes // 2)


def test_every_tagged_non_finite_float_comes_back() -> None:
    value = probe(
        {
            "ok": True,
            "value": [
                {"$float": "NaN"},
                {"$float": "Infinity"},
                {"$float": "-Infinity"},
                {"$float": "1"},
            ],
        }
    ).value
    assert math.isnan(value[0]) and value[1] == math.inf and value[2] == -math.inf
    assert value[3] == {"$float": "1"}


def test_stdout_cut_here_is_marked_truncated_whatever_the_child_claims() -> None:
    over = decode({**HONEST, "stdout": "x" * (LIMITS.output_bytes + 10)})
    assert over.stdout == "x" * LIMITS.output_bytes and over.stdout_truncated is True
    at_cap = decode({**HONEST, "stdout": "x" * LIMITS.output_bytes})
    assert at_cap.stdout_truncated is False  # an honest child's capped output is left alone
