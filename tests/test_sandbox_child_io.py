"""How the pool turns a child's bytes and its exit into a RunResult, trusting neither."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import struct
import tempfile
import threading
import warnings

import pytest

from sandbox import Limits, Status, child_io
from sandbox.child_io import RESULT_CAP, assemble, exchange
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


# -- the result cap, at its documented size ------------------------------------------------

EIGHT_MIB = 8 * 1024 * 1024  # the documented cap, written out: not read from the module


def _ok_frame_of_length(total: int) -> bytes:
    """A well-formed ok frame of exactly `total` bytes (header included)."""
    empty = encode_frame({"result": {"status": "ok", "stdout": "", "probes": {}}})
    body = empty[4:].replace(b'"stdout":""', b'"stdout":"' + b"y" * (total - len(empty)) + b'"')
    return struct.pack(">I", len(body)) + body


def test_a_result_of_exactly_eight_mib_is_read_and_one_byte_more_is_not() -> None:
    at_cap = assemble(_ok_frame_of_length(EIGHT_MIB), CLEAN_EXIT, LIMITS)
    assert at_cap.status is Status.OK, at_cap
    assert len(at_cap.stdout.encode()) == LIMITS.output_bytes
    over = assemble(_ok_frame_of_length(EIGHT_MIB + 1), CLEAN_EXIT, LIMITS)
    assert over.status is Status.CRASHED
    assert over.error is not None and "more result data" in over.error.message


def test_rejected_is_believed_by_default_only_because_the_policy_is_on_by_default() -> None:
    raw = encode_frame(
        {"result": {"status": "rejected", "stdout": "", "probes": {},
                    "error": {"type": "NotAvailable", "message": "no", "line": 1}}}
    )  # fmt: skip
    assert assemble(raw, CLEAN_EXIT, LIMITS).status is Status.REJECTED
    assert assemble(raw, CLEAN_EXIT, LIMITS, policy=False).status is not Status.REJECTED


# -- exchange(): the pipes to one child, driven by a peer thread ----------------------------


def _pipes() -> tuple[int, int, int, int]:
    """(our job end, child's job end, our result end, child's result end)."""
    job_child, job_ours = os.pipe()
    result_ours, result_child = os.pipe()
    return job_ours, job_child, result_ours, result_child


def _read_until_eof(fd: int) -> bytes:
    data = bytearray()
    while chunk := os.read(fd, 65536):
        data += chunk
    return bytes(data)


async def test_exchange_sends_the_job_with_eof_and_returns_what_the_child_wrote() -> None:
    job_ours, job_child, result_ours, result_child = _pipes()
    seen: list[bytes] = []

    def child() -> None:  # reads the job to EOF, as a child may, then answers
        seen.append(_read_until_eof(job_child))
        os.write(result_child, b"answer")
        os.close(result_child)
        os.close(job_child)

    thread = threading.Thread(target=child, daemon=True)
    thread.start()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ResourceWarning or buffering warning either
        raw = await asyncio.wait_for(exchange(job_ours, result_ours, b"job" * 100_000), 10)
    thread.join(5)
    assert raw == b"answer" and seen == [b"job" * 100_000]
    for fd in (job_ours, result_ours):
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(fd)


async def test_a_child_that_never_stops_writing_is_cut_off_at_the_cap() -> None:
    job_ours, job_child, result_ours, result_child = _pipes()
    written = [0]

    def child() -> None:  # never reads its job, writes until the pool hangs up
        block = b"z" * 65536
        try:
            while True:
                written[0] += os.write(result_child, block)
        except BrokenPipeError:
            pass
        finally:
            os.close(result_child)
            os.close(job_child)

    thread = threading.Thread(target=child, daemon=True)
    thread.start()
    loop = asyncio.get_running_loop()
    # A job larger than a pipe's buffer: it can't all be written to a child that never reads.
    raw = await asyncio.wait_for(exchange(job_ours, result_ours, b"j" * 1_000_000), 30)
    thread.join(10)
    assert not thread.is_alive(), "our end of the result pipe was left open"
    assert RESULT_CAP < len(raw) <= RESULT_CAP + 65536
    # Nothing of this run stays registered with the event loop.
    assert not loop.remove_reader(result_ours) and not loop.remove_writer(job_ours)


async def test_exchange_closes_both_descriptors_when_it_raises() -> None:
    job_child, job_ours = os.pipe()
    with tempfile.TemporaryFile() as not_a_pipe:
        result_ours = os.dup(not_a_pipe.fileno())
    with pytest.raises(ValueError, match=r"[Pp]ipe") as caught:
        await exchange(job_ours, result_ours, b"job")
    # Closed by exchange itself, not by the garbage collector: the traceback kept here
    # still holds exchange's frame and its file objects.
    assert caught.tb is not None
    for fd in (job_ours, result_ours):
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(fd)
    assert os.read(job_child, 10) == b""  # the child sees EOF on its job
    os.close(job_child)


def test_timings_from_the_zygote_are_numbers_or_nothing() -> None:
    raw = encode_frame({"result": {"status": "ok", "stdout": "", "probes": {}}})
    ok = assemble(raw, {**CLEAN_EXIT, "wall_ms": None, "cpu_ms": 3}, LIMITS)
    assert ok.wall_ms == 0.0 and ok.cpu_ms == 3.0 and type(ok.cpu_ms) is float
    crash = {**CLEAN_EXIT, "completed": False, "code": 1}
    ended = assemble(b"", {**crash, "wall_ms": 9, "cpu_ms": "7"}, LIMITS)
    assert ended.status is Status.CRASHED
    assert ended.wall_ms == 9.0 and type(ended.wall_ms) is float and ended.cpu_ms is None
    assert assemble(b"", {**crash, "wall_ms": None}, LIMITS).wall_ms == 0.0


def test_any_failure_to_decode_is_a_crash_with_a_short_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise MemoryError("m" * 5000)

    monkeypatch.setattr(child_io, "decode_details", explode)
    result = assemble(encode_frame({"result": {}}), CLEAN_EXIT, LIMITS)
    assert result.status is Status.CRASHED and result.error is not None
    assert result.error.type == "SandboxCrash"
    assert result.error.message.startswith("the run's result could not be read (MemoryError")
    assert len(result.error.message) == 300


async def test_a_cancelled_exchange_closes_and_unregisters_both_pipes() -> None:
    job_ours, job_child, result_ours, result_child = _pipes()
    loop = asyncio.get_running_loop()
    # A job larger than the pipe's buffer, to a child that neither reads nor answers:
    # both ends are registered with the loop when the caller gives up.
    task = asyncio.create_task(exchange(job_ours, result_ours, b"j" * 1_000_000))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not loop.remove_reader(result_ours) and not loop.remove_writer(job_ours)
    for fd in (job_ours, result_ours):
        with pytest.raises(OSError, match="Bad file descriptor"):
            os.fstat(fd)
    os.close(job_child)
    os.close(result_child)


async def test_a_failing_read_ends_the_exchange_with_that_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_ours, job_child, result_ours, result_child = _pipes()
    os.write(result_child, b"half a frame")  # readable at once

    def broken(fd: int, size: int) -> bytes:
        raise OSError(errno.EIO, "input/output error")

    monkeypatch.setattr(child_io.os, "read", broken)
    with pytest.raises(OSError, match="input/output error"):
        await asyncio.wait_for(exchange(job_ours, result_ours, b"job"), 10)
    monkeypatch.undo()
    assert not asyncio.get_running_loop().remove_reader(result_ours)
    os.close(job_child)
    os.close(result_child)
