"""The pool talking to one child directly: send the job, read the result, make a RunResult.

The child's result is untrusted bytes: capped, decoded with errors="replace", and rebuilt
field by field. When there is no complete result, the exit the zygote saw says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Mapping
from typing import Any

from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.protocol import FrameBuffer, FrameError, crash_result
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status

RESULT_CAP = 8 * 1024 * 1024  # far above what a capped run produces; more means hostile


async def exchange(job_fd: int, result_fd: int, payload: bytes) -> bytes:
    """Write the job and close our end; read the result until the child closes its end."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    read_transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(result_fd, "rb", buffering=0)
    )
    try:
        write_transport, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(job_fd, "wb", buffering=0)
        )
        write_transport.write(payload)  # a child that died first just loses it: EPIPE
        write_transport.close()
        received = bytearray()
        while chunk := await reader.read(65536):
            received += chunk
            if len(received) > RESULT_CAP:
                break
        return bytes(received)
    finally:
        read_transport.close()


def assemble(raw: bytes, exit_info: Mapping[str, Any], limits: Limits) -> RunResult:
    result = _complete_result(raw)
    if result is None:
        result = _from_exit(exit_info, oversized=len(raw) > RESULT_CAP)
    result.setdefault("cpu_ms", exit_info.get("cpu_ms"))
    result["wall_ms"] = exit_info.get("wall_ms")
    return from_raw(result, limits)


def _complete_result(raw: bytes) -> dict[str, Any] | None:
    if len(raw) > RESULT_CAP:
        return None
    with contextlib.suppress(FrameError, ValueError):
        frames = FrameBuffer(RESULT_CAP).feed(raw)
        if frames and isinstance(frames[0], dict) and isinstance(frames[0].get("result"), dict):
            return dict(frames[0]["result"])
    return None


def _from_exit(exit_info: Mapping[str, Any], *, oversized: bool) -> dict[str, Any]:
    if exit_info.get("timed_out"):
        return {"status": "timeout"}
    sig = exit_info.get("signal")
    if sig == signal.SIGXCPU:
        return {"status": "timeout"}
    if oversized:
        return crash_result("the run produced more result data than allowed")
    if isinstance(sig, int):
        with contextlib.suppress(ValueError):
            return crash_result(f"killed by {signal.Signals(sig).name}")
        return crash_result(f"killed by signal {sig}")
    return crash_result(f"the run ended without a result (exit code {exit_info.get('code')})")


def from_raw(raw: Mapping[str, Any], limits: Limits) -> RunResult:
    """Rebuild a RunResult from the child's data, trusting none of its shapes."""
    try:
        status = Status(str(raw.get("status")))
    except ValueError:
        status = Status.CRASHED
    error = ErrorInfo.from_json(raw.get("error") if isinstance(raw.get("error"), dict) else None)
    probes: dict[str, ProbeValue] = {}
    raw_probes = raw.get("probes")
    if isinstance(raw_probes, dict):
        for name, value in raw_probes.items():
            if isinstance(value, dict):
                probes[str(name)] = ProbeValue.from_json(value)
    stdout = raw.get("stdout")
    stdout = stdout if isinstance(stdout, str) else ""
    stdout = stdout.encode("utf-8", "replace")[: limits.output_bytes].decode("utf-8", "replace")
    cpu = raw.get("cpu_ms")
    wall = raw.get("wall_ms")
    return RunResult(
        status=status,
        stdout=stdout,
        error=error,
        probes=probes,
        wall_ms=float(wall) if isinstance(wall, (int, float)) else 0.0,
        cpu_ms=float(cpu) if isinstance(cpu, (int, float)) else None,
        message=describe(status, error, limits),
        stdout_truncated=bool(raw.get("stdout_truncated")),
    )
