"""The result channel, decoded as the pool decodes it: how the child ended decides the
status, the frame only fills in details, and nothing a child writes makes the pool raise."""

from __future__ import annotations

import json
import math
import random
import signal
import struct
from typing import Any

import pytest

from sandbox import Limits, Status
from sandbox.child_io import RESULT_CAP, assemble
from sandbox.protocol import encode_frame
from sandbox.result_decoding import MESSAGE_CHARS

LIMITS = Limits()
COMPLETED = {"timed_out": False, "signal": None, "code": 37, "completed": True,
             "wall_ms": 4.0, "cpu_ms": 3.0}  # fmt: skip
OK_RESULT = {"status": "ok", "stdout": "forged\n", "error": None,
             "probes": {"w": {"ok": True, "kind": "float", "value": 3.0}}}  # fmt: skip


def frame(result: Any) -> bytes:
    return encode_frame({"result": result})


def raw_frame(body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + body


def test_a_timeout_wins_over_a_complete_ok_frame() -> None:
    exit_info = {**COMPLETED, "timed_out": True, "signal": 9, "code": None, "completed": False}
    result = assemble(frame(OK_RESULT), exit_info, LIMITS)
    assert result.status is Status.TIMEOUT and result.stdout == "" and not result.probes


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT])
def test_a_signal_wins_over_a_complete_ok_frame(sig: int) -> None:
    exit_info = {**COMPLETED, "signal": int(sig), "code": None, "completed": False}
    result = assemble(frame(OK_RESULT), exit_info, LIMITS)
    assert result.status is Status.CRASHED and not result.probes


@pytest.mark.parametrize("code", [0, 1, 37, 70])
def test_an_exit_other_than_through_the_wrapper_ignores_the_frame(code: int) -> None:
    exit_info = {**COMPLETED, "code": code, "completed": False}
    result = assemble(frame(OK_RESULT), exit_info, LIMITS)
    assert result.status is Status.CRASHED and result.stdout == "" and not result.probes
    assert result.error is not None and f"exit code {code}" in result.error.message


def test_a_second_frame_or_trailing_bytes_make_the_run_crashed() -> None:
    one = frame(OK_RESULT)
    for raw in (one + one, one + b"x", one[:-1], one[:3], b""):
        assert assemble(raw, COMPLETED, LIMITS).status is Status.CRASHED, raw[-8:]


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_nesting_is_a_crash_not_an_exception(depth: int) -> None:
    value = "[" * depth + "]" * depth
    body = ('{"result":{"status":"ok","stdout":"","probes":{"p":{"ok":true,"kind":"list",'
            f'"value":{value}}}}}}}').encode()  # fmt: skip
    result = assemble(raw_frame(body), COMPLETED, LIMITS)
    assert result.status is Status.CRASHED


def test_a_probe_shape_that_is_not_numbers_is_a_crash() -> None:
    probes = {"p": {"ok": True, "kind": "ndarray", "value": [1], "shape": ["boom"]}}
    result = assemble(frame({**OK_RESULT, "probes": probes}), COMPLETED, LIMITS)
    assert result.status is Status.CRASHED


def test_a_seven_megabyte_error_message_is_capped() -> None:
    error = {"type": "E" * 10_000, "message": "m" * 7_000_000, "line": 1,
             "source_line": "s" * 10_000}  # fmt: skip
    raw = frame({"status": "error", "stdout": "", "error": error, "probes": {}})
    assert len(raw) < RESULT_CAP
    result = assemble(raw, COMPLETED, LIMITS)
    assert result.status is Status.ERROR and result.error is not None
    assert len(result.error.message) == MESSAGE_CHARS
    assert len(result.error.type) <= 100 and len(result.error.source_line or "") <= 500
    assert len(result.message) < 3 * MESSAGE_CHARS


def test_only_the_policy_can_reject_and_only_the_zygote_can_time_out() -> None:
    rejected = frame({"status": "rejected", "stdout": "", "probes": {},
                      "error": {"type": "NotAvailable", "message": "learner text"}})  # fmt: skip
    assert assemble(rejected, COMPLETED, LIMITS, policy=False).status is Status.CRASHED
    assert assemble(rejected, COMPLETED, LIMITS, policy=True).status is Status.REJECTED
    timeout = frame({**OK_RESULT, "status": "timeout"})
    assert assemble(timeout, COMPLETED, LIMITS).status is Status.CRASHED


@pytest.mark.parametrize(
    "body",
    [
        b'{"result":{"status":"ok","stdout":"","probes":{"p":{"ok":true,"value":NaN}}}}',
        b'{"result":{"status":"ok","stdout":"","probes":{"p":{"ok":true,"value":1e999}}}}',
        b'{"result":{"status":"ok","stdout":"","probes":{"p":{"ok":true,"value":-Infinity}}}}',
        b'{"result":{"status":"ok","stdout":5}}',
        b'{"result":{"status":["ok"]}}',
        b'{"result":{"status":"ok","probes":{"p":{"ok":"yes"}}}}',
        b'{"result":{"status":"ok","error":{"message":{"$float":"NaN"}}}}',
        b'{"result":{"status":"ok","error":{"line":1e300}}}',
        b'{"result":{"status":"ok"},"extra":1}',
        b'{"result":[]}',
        b'["result"]',
        b"\xff\xfe\x00",
    ],
)
def test_wrong_shapes_and_untagged_non_finite_numbers_are_crashes(body: bytes) -> None:
    assert assemble(raw_frame(body), COMPLETED, LIMITS).status is Status.CRASHED


def test_tagged_non_finite_floats_come_back_as_floats() -> None:
    value = [{"$float": "NaN"}, {"$float": "-Infinity"}, {"$float": ["weird"]}]
    probes = {"p": {"ok": True, "kind": "list", "value": value}}
    result = assemble(frame({**OK_RESULT, "probes": probes}), COMPLETED, LIMITS)
    assert result.status is Status.OK
    got = result.probes["p"].value
    assert math.isnan(got[0]) and got[1] == -math.inf and got[2] == {"$float": ["weird"]}


# -- fuzz: random and hostile frames through the real decoding path ----------------------

FUZZ_RUNS = 10_000
OVERSIZED = raw_frame(b'{"result":{"status":"ok","stdout":"' + b"a" * (RESULT_CAP + 1))


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(12 if depth < 6 else 7)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 2**63, 10**30, rng.randrange(-(10**6), 10**6)])
    if pick == 3:
        return rng.choice([0.5, -0.0, 1e308, rng.random()])
    if pick == 4:
        return rng.choice(
            [
                "",
                "ok",
                "rejected",
                "timeout",
                "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                "x" * rng.randrange(5_000),
            ]
        )
    if pick == 5:
        return {"$float": rng.choice(["NaN", "Infinity", "-Infinity", "nan", 1, None, [1]])}
    if pick == 6:
        return rng.choice(["ok", "error", "crashed", "memory", "output_limit", "syntax_error"])
    if pick in (7, 8):
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["status", "stdout", "error", "probes", "ok", "kind", "value", "shape", "dtype",
            "type", "message", "line", "column", "source_line", "cpu_ms", "stdout_truncated",
            "$float", "p"]  # fmt: skip
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(5))}


def _plausible_result(rng: random.Random) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": rng.choice(["ok", "error", "rejected", "memory", "timeout", "nope"]),
        "stdout": rng.choice(["", "hi\n", 3, None]),
        "probes": {
            f"p{i}": {
                "ok": rng.random() < 0.8,
                "kind": "x",
                "value": _random_json(rng),
                "shape": rng.choice([None, [2, 3], ["boom"], [-1], [1.5]]),
            }
            for i in range(rng.randrange(3))
        },
    }
    if rng.random() < 0.5:
        result["error"] = _random_json(rng)
    return result


def _hostile_bytes(rng: random.Random) -> bytes:
    kind = rng.randrange(10)
    if kind == 0:
        return frame(_plausible_result(rng))
    if kind == 1:
        return raw_frame(json.dumps({"result": _random_json(rng)}).encode())
    if kind == 2:  # truncated anywhere
        whole = frame(_plausible_result(rng))
        return whole[: rng.randrange(len(whole) + 1)]
    if kind == 3:  # extra frames, or bytes after the frame
        return frame(_plausible_result(rng)) * rng.randrange(2, 4) + rng.randbytes(rng.randrange(3))
    if kind == 4:  # a header that lies about the length
        body = json.dumps({"result": _plausible_result(rng)}).encode()
        return struct.pack(">I", rng.choice([0, len(body) + 1, 2**32 - 1])) + body
    if kind == 5:  # deep
        depth = rng.choice([33, 500, 5_000, 50_000])
        opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
        return raw_frame(f'{{"result":{{"status":"ok","probes":{{"p":{{"ok":true,"value":'
                         f'{opener * depth}1{closer * depth}}}}}}}}}'.encode())  # fmt: skip
    if kind == 6:  # oversized
        return OVERSIZED
    if kind == 7:  # bare NaN and friends
        token = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999"])
        return raw_frame(b'{"result":{"status":"ok","cpu_ms":' + token + b"}}")
    if kind == 8:  # a good frame with random bytes flipped
        data = bytearray(frame(_plausible_result(rng)))
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return rng.randbytes(rng.randrange(64))


def _exit_info(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(5)
    if kind == 0:
        return {**COMPLETED, "timed_out": True, "signal": 9, "code": None, "completed": False}
    if kind == 1:
        return {**COMPLETED, "signal": rng.choice([6, 9, 11, 24, 99]), "code": None,
                "completed": False}  # fmt: skip
    if kind == 2:  # frames after a plain exit
        return {**COMPLETED, "code": rng.choice([0, 1, 70]), "completed": False}
    return COMPLETED


def test_fuzzed_frames_never_raise_and_always_end_with_a_status() -> None:
    rng = random.Random(20260901)
    seen: set[Status] = set()
    for _ in range(FUZZ_RUNS):
        raw, exit_info = _hostile_bytes(rng), _exit_info(rng)
        result = assemble(raw, exit_info, LIMITS, policy=rng.random() < 0.5)
        assert isinstance(result.status, Status)
        seen.add(result.status)
        if exit_info["timed_out"] or exit_info["signal"] == 24:  # SIGXCPU
            assert result.status is Status.TIMEOUT
        elif not exit_info["completed"]:
            assert result.status is Status.CRASHED
        assert len(result.stdout.encode()) <= LIMITS.output_bytes
        if result.error is not None:
            assert len(result.error.message) <= MESSAGE_CHARS + 300
    assert {Status.OK, Status.CRASHED, Status.TIMEOUT} <= seen
