"""The pool talking to one child directly: send the job, read the result, make a RunResult.

How the child ended (the zygote's report: timeout flag, signal, exit code) decides the
status. Only a child that ended through its trusted wrapper has its frame read, and then
as hostile bytes (sandbox.result_decoding): any failure makes that one run `crashed`.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Mapping
from typing import Any

from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.result import ErrorInfo, RunResult, Status
from sandbox.result_decoding import decode_details

RESULT_CAP = 8 * 1024 * 1024  # far above what a capped run produces; more means hostile


async def exchange(job_fd: int, result_fd: int, payload: bytes) -> bytes:
    """Write the job and close our end; read the result until the child closes its end.
    Both descriptors are closed when this returns, raises or is cancelled."""
    loop = asyncio.get_running_loop()
    job_file = os.fdopen(job_fd, "wb", buffering=0)
    result_file = os.fdopen(result_fd, "rb", buffering=0)
    reader = asyncio.StreamReader()
    read_transport: asyncio.ReadTransport | None = None
    write_transport: asyncio.WriteTransport | None = None
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), result_file
        )
        write_transport, _ = await loop.connect_write_pipe(asyncio.Protocol, job_file)
        write_transport.write(payload)  # a child that died first just loses it: EPIPE
        write_transport.close()
        received = bytearray()
        while chunk := await reader.read(65536):
            received += chunk
            if len(received) > RESULT_CAP:
                break
        return bytes(received)
    finally:
        # A transport owns its pipe and closes it; a file no transport took is closed here.
        if read_transport is None:
            result_file.close()
        elif not read_transport.is_closing():
            read_transport.close()
        if write_transport is None:
            job_file.close()
        elif not write_transport.is_closing() or write_transport.get_write_buffer_size():
            write_transport.abort()  # a job the child never read: drop it now


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
