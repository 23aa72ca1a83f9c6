"""Pure pieces of the sandbox: framing, value encoding, validation, policy compile."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sandbox import Limits
from sandbox.json_floats import decode_floats, encode_floats
from sandbox.policy import Refusal, compile_learner_code
from sandbox.protocol import FrameBuffer, FrameError, encode_frame
from sandbox.result import ProbeValue
from sandbox.validation import validate_code
from sandbox.values import decode_preset, describe_value, encode_preset


def test_frames_survive_arbitrary_chunking() -> None:
    data = encode_frame({"a": 1}) + encode_frame({"b": [1, 2]})
    buffer = FrameBuffer()
    frames = []
    for i in range(len(data)):
        frames += buffer.feed(data[i : i + 1])
    assert frames == [{"a": 1}, {"b": [1, 2]}]
    assert buffer.pending == 0


def test_oversized_frame_is_refused() -> None:
    with pytest.raises(FrameError):
        FrameBuffer(max_frame=10).feed(encode_frame({"x": "y" * 100}))


def test_non_finite_floats_round_trip() -> None:
    values = [math.nan, math.inf, -math.inf, 1.5]
    decoded = decode_floats(encode_floats(values))
    assert math.isnan(decoded[0]) and decoded[1:] == [math.inf, -math.inf, 1.5]


def test_preset_arrays_round_trip_with_dtype() -> None:
    preset = {"x": np.array([1, 2], dtype=np.int32), "w": np.float64(0.5), "nested": [1, "a"]}
    decoded = decode_preset(encode_preset(preset))
    assert decoded["x"].dtype == np.int32 and decoded["x"].tolist() == [1, 2]
    assert decoded["w"] == 0.5 and decoded["nested"] == [1, "a"]


def test_preset_rejects_objects() -> None:
    with pytest.raises(TypeError):
        encode_preset({"f": object()})


def test_describe_value_kinds() -> None:
    assert describe_value(np.float64(2.5), 1000)["kind"] == "float"
    assert describe_value([1, 2], 1000) == {"ok": True, "kind": "list", "value": [1, 2]}
    array = describe_value(np.zeros((2, 2)), 1000)
    assert array["shape"] == [2, 2] and array["dtype"] == "float64"
    assert describe_value(10**100, 1000)["kind"] == "int"
    assert not describe_value(10**1000, 1000)["ok"]
    assert not describe_value("x" * 5000, 1000)["ok"]
    probe = ProbeValue.from_json(describe_value(np.array([np.nan]), 1000))
    assert math.isnan(probe.value[0])


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("x = 1\n", True),
        ("x = 1\x00", False),
        ("", False),
        ("é = 1\n", True),
        ("x = '\ud800'\n", False),  # a lone surrogate is not text
    ],
)
def test_validate_code(code: str, ok: bool) -> None:
    text, refusal = validate_code(code, Limits())
    assert (text is not None) == ok
    assert (refusal is None) == ok


def test_validate_code_counts_bytes_not_characters() -> None:
    _, refusal = validate_code("é" * 600, Limits(code_bytes=1000))
    assert refusal is not None and refusal.type == "CodeTooLarge"


def test_compile_refusals_carry_line_and_reason() -> None:
    refusal = compile_learner_code("x = 1\ny = x.__dict__\n")
    assert isinstance(refusal, Refusal) and refusal.kind == "rejected"
    assert refusal.line == 2 and "__dict__" in refusal.message
    syntax = compile_learner_code("x = (\n")
    assert isinstance(syntax, Refusal) and syntax.kind == "syntax_error"
    assert not isinstance(compile_learner_code("x = 1\n"), Refusal)
