"""How the pool turns a child's bytes and its exit into a RunResult, trusting neither."""

from __future__ import annotations

import signal

from sandbox import Limits, Status
from sandbox.child_io import RESULT_CAP, assemble
from sandbox.protocol import encode_frame

LIMITS = Limits()
# How the zygote reports a child that ended through its trusted wrapper.
CLEAN_EXIT = {
    "timed_out": False, "signal": None, "code": 37, "completed": True,
    "wall_ms": 4.0, "cpu_ms": 3.0,
}  # fmt: skip


def test_a_complete_result_is_used_with_the_zygotes_timing() -> None:
    raw = encode_frame({"result": {"status": "ok", "stdout": "hi\n", "probes": {}}})
    result = assemble(raw, CLEAN_EXIT, LIMITS)
    assert result.status is Status.OK and result.stdout == "hi\n"
    assert result.wall_ms == 4.0 and result.cpu_ms == 3.0


def test_a_timeout_wins_over_a_missing_result() -> None:
    result = assemble(b"", {**CLEAN_EXIT, "timed_out": True, "signal": 9, "code": None}, LIMITS)
    assert result.status is Status.TIMEOUT


def test_the_cpu_limit_counts_as_a_timeout() -> None:
    exit_info = {**CLEAN_EXIT, "signal": int(signal.SIGXCPU), "code": None}
    assert assemble(b"", exit_info, LIMITS).status is Status.TIMEOUT


def test_a_signal_is_a_crash_named_in_words() -> None:
    result = assemble(b"", {**CLEAN_EXIT, "signal": int(signal.SIGSEGV), "code": None}, LIMITS)
    assert result.status is Status.CRASHED
    assert result.error is not None and "SIGSEGV" in result.error.message


def test_no_result_and_a_clean_exit_is_a_crash_with_the_exit_code() -> None:
    result = assemble(b"", {**CLEAN_EXIT, "code": 70, "completed": False}, LIMITS)
    assert result.status is Status.CRASHED
    assert result.error is not None and "exit code 70" in result.error.message


def test_garbage_and_oversized_results_are_crashes() -> None:
    assert assemble(b"\x00\x00\x00\x05garbage", CLEAN_EXIT, LIMITS).status is Status.CRASHED
    huge = b"x" * (RESULT_CAP + 1)
    result = assemble(huge, CLEAN_EXIT, LIMITS)
    assert result.status is Status.CRASHED
    assert result.error is not None and "more result data" in result.error.message


def test_a_hostile_result_is_a_crash_not_a_partial_result() -> None:
    raw = encode_frame(
        {
            "result": {
                "status": "ok",
                "stdout": "y" * (LIMITS.output_bytes * 3),
                "error": "not a dict",
                "probes": {"q": {"ok": True, "kind": "float", "value": 1.5}},
            }
        }
    )
    result = assemble(raw, CLEAN_EXIT, LIMITS)
    assert result.status is Status.CRASHED and not result.probes and not result.stdout


def test_stdout_is_cut_to_the_output_cap() -> None:
    stdout = "y" * (LIMITS.output_bytes * 3)
    raw = encode_frame({"result": {"status": "ok", "stdout": stdout, "probes": {}}})
    result = assemble(raw, CLEAN_EXIT, LIMITS)
    assert result.status is Status.OK and len(result.stdout.encode()) == LIMITS.output_bytes
