"""The pool talking to one child directly: send the job, read the result, make a RunResult.

How the child ended (the zygote's report: timeout flag, signal, exit code) decides the
status. Only a child that ended through its trusted wrapper has its frame read, and then
as hostile bytes (sandbox.result_decoding): any failure makes that one run `crashed`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import stat
from collections.abc import Mapping
from typing import Any

from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.result import ErrorInfo, RunResult, Status
from sandbox.result_decoding import decode_details

RESULT_CAP = 8 * 1024 * 1024  # far above what a capped run produces; more means hostile


async def exchange(job_fd: int, result_fd: int, payload: bytes) -> bytes:
    """Write the job and close our end; read the result until the child closes its end.
    Both run at once (a child may write before it has read everything). Both descriptors
    are closed when this returns, raises or is cancelled, and neither stays registered
    with the loop."""
    return await _Exchange(asyncio.get_running_loop(), job_fd, result_fd).run(payload)


class _Exchange:
    """Non-blocking reads and writes straight on the two pipes, driven by the loop's
    reader and writer callbacks: no transports, protocols or stream buffers to build
    per run (that machinery was a third of the pool's own time per run)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, job_fd: int, result_fd: int) -> None:
        self.loop = loop
        self.job_fd: int | None = job_fd  # None once closed
        self.result_fd = result_fd
        self.pending = memoryview(b"")
        self.received = bytearray()
        self.done: asyncio.Future[bytes] = loop.create_future()
        self.writing = self.reading = False

    async def run(self, payload: bytes) -> bytes:
        try:
            for fd in (self.job_fd, self.result_fd):
                assert fd is not None
                if not stat.S_ISFIFO(os.fstat(fd).st_mode):
                    raise ValueError(f"descriptor {fd} is not a pipe")
                os.set_blocking(fd, False)
            self.pending = memoryview(payload)
            self._write()  # a job that fits the pipe's buffer goes at once
            self.loop.add_reader(self.result_fd, self._read)
            self.reading = True
            return await self.done
        finally:
            self._close_job()
            self._stop_reading()
            os.close(self.result_fd)

    def _write(self) -> None:
        assert self.job_fd is not None
        try:
            while self.pending:
                self.pending = self.pending[os.write(self.job_fd, self.pending) :]
        except BlockingIOError:
            if not self.writing:
                self.loop.add_writer(self.job_fd, self._write)
                self.writing = True
            return
        except OSError:  # EPIPE: the child died first, and just loses the rest
            pass
        self._close_job()  # all written: the child sees end of file

    def _close_job(self) -> None:
        if self.job_fd is None:
            return
        if self.writing:
            self.loop.remove_writer(self.job_fd)
        os.close(self.job_fd)  # a job the child never read is dropped with it
        self.job_fd = None

    def _stop_reading(self) -> None:
        if self.reading:
            self.loop.remove_reader(self.result_fd)
            self.reading = False

    def _read(self) -> None:
        try:
            while chunk := os.read(self.result_fd, 65536):
                self.received += chunk
                if len(self.received) > RESULT_CAP:
                    break
        except BlockingIOError:
            return
        except OSError as exc:
            self._finish(exc)
            return
        self._finish(None)  # end of file, or more than a run may send

    def _finish(self, error: OSError | None) -> None:
        self._stop_reading()  # a child past the cap may still be writing: read no more
        if self.done.done():
            return
        if error is None:
            self.done.set_result(bytes(self.received))
        else:
            self.done.set_exception(error)


def assemble(
    raw: bytes, exit_info: Mapping[str, Any], limits: Limits, *, policy: bool = True
) -> RunResult:
    """How the child ended decides the status; its frame only fills in the details.
    Never raises: whatever the child wrote, the run gets a status."""
    wall_ms, cpu_ms = _number(exit_info.get("wall_ms")), _number(exit_info.get("cpu_ms"))
    ended = _ended_without_result(exit_info, oversized=len(raw) > RESULT_CAP)
    if ended is not None:
        return _finish(ended[0], limits, error=ended[1], wall_ms=wall_ms, cpu_ms=cpu_ms)
    try:
        details = decode_details(raw, limits, policy=policy)
    except Exception as exc:  # RecursionError, MemoryError, ...: one hostile run, not ours
        error = ErrorInfo("SandboxCrash", f"the run's result could not be read ({exc!r})"[:300])
        return _finish(Status.CRASHED, limits, error=error, wall_ms=wall_ms, cpu_ms=cpu_ms)
    return RunResult(
        status=details.status,
        stdout=details.stdout,
        error=details.error,
        probes=details.probes,
        wall_ms=wall_ms or 0.0,
        cpu_ms=details.cpu_ms if details.cpu_ms is not None else cpu_ms,
        message=describe(details.status, details.error, limits),
        stdout_truncated=details.stdout_truncated,
    )


def _ended_without_result(
    exit_info: Mapping[str, Any], *, oversized: bool
) -> tuple[Status, ErrorInfo | None] | None:
    """The status when the child did not end through its trusted wrapper; None when it did
    (then, and only then, its frame is read). A timeout or a signal wins over any frame."""
    sig = exit_info.get("signal")
    if exit_info.get("timed_out") is True or sig == signal.SIGXCPU:
        return Status.TIMEOUT, None
    if isinstance(sig, int):
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return Status.CRASHED, _crash(f"killed by {name}")
    if exit_info.get("completed") is not True:
        # The wrapper exits with a code only the zygote and it know; any other exit
        # (os._exit, a crash in the runtime) means the frame, if any, is not its own.
        return Status.CRASHED, _crash(
            f"the run ended without a result (exit code {exit_info.get('code')})"
        )
    if oversized:
        return Status.CRASHED, _crash("the run produced more result data than allowed")
    return None


def _crash(detail: str) -> ErrorInfo:
    return ErrorInfo("SandboxCrash", detail)


def _number(raw: Any) -> float | None:
    return float(raw) if type(raw) in (int, float) else None


def _finish(
    status: Status,
    limits: Limits,
    *,
    error: ErrorInfo | None,
    wall_ms: float | None,
    cpu_ms: float | None,
) -> RunResult:
    return RunResult(
        status=status,
        error=error,
        wall_ms=wall_ms or 0.0,
        cpu_ms=cpu_ms,
        message=describe(status, error, limits),
    )
