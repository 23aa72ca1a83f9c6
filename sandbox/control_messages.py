"""The per-run messages on the zygote's control socket, as fixed binary records.

The configuration and the hello stay JSON (once per zygote). Everything sent per run is a
`struct` record instead: the zygote writes these between forks, and every page its loop
touches then is copied while a child still shares it. JSON's encoder and decoder touched
about 140 pages a run; packing with a prepared `Struct` touches a few.

Requests (pool -> zygote): START (run id, timeout) and KILL (run id), one layout.
Reports (zygote -> pool): STARTED (run id, the child's pid; its two pipe ends travel with
it as SCM_RIGHTS) and EXITED (how the child ended). The first byte tells them apart.
"""

from __future__ import annotations

import struct
from typing import Any

START, KILL = 1, 2
STARTED, EXITED = 3, 4
_NONE = -1  # no signal / no exit code

REQUEST = struct.Struct("<BQd")  # op, run id, timeout in seconds (0 for KILL)
STARTED_RECORD = struct.Struct("<BQi")  # op, run id, pid
# op, run id, timed out, completed, wall ms, CPU ms, signal, exit code
EXITED_RECORD = struct.Struct("<BQ??ddii")
PIPE_FDS = struct.Struct("=ii")  # the SCM_RIGHTS payload of STARTED: job end, result end


class MalformedMessage(ValueError):
    pass


def start_request(run_id: int, timeout_s: float) -> bytes:
    return REQUEST.pack(START, run_id, timeout_s)


def kill_request(run_id: int) -> bytes:
    return REQUEST.pack(KILL, run_id, 0.0)


def read_request(data: bytes) -> tuple[int, int, float]:
    """(op, run id, timeout); raises MalformedMessage for anything else."""
    if len(data) != REQUEST.size or data[0] not in (START, KILL):
        raise MalformedMessage(f"not a request: {len(data)} bytes")
    op, run_id, timeout_s = REQUEST.unpack(data)
    return op, run_id, timeout_s


def exited_report(
    run_id: int,
    *,
    timed_out: bool,
    completed: bool,
    wall_ms: float,
    cpu_ms: float,
    signal: int | None,
    code: int | None,
) -> bytes:
    return EXITED_RECORD.pack(
        EXITED,
        run_id,
        timed_out,
        completed,
        wall_ms,
        cpu_ms,
        _NONE if signal is None else signal,
        _NONE if code is None else code,
    )


def read_report(data: bytes) -> dict[str, Any]:
    """A report as the mapping the pool reads: {"op": "started", "id", "pid"} or
    {"op": "exited", "id", "timed_out", "completed", "wall_ms", "cpu_ms", "signal", "code"}."""
    if len(data) == STARTED_RECORD.size and data[0] == STARTED:
        _, run_id, pid = STARTED_RECORD.unpack(data)
        return {"op": "started", "id": run_id, "pid": pid}
    if len(data) == EXITED_RECORD.size and data[0] == EXITED:
        _, run_id, timed_out, completed, wall_ms, cpu_ms, sig, code = EXITED_RECORD.unpack(data)
        return {
            "op": "exited",
            "id": run_id,
            "timed_out": timed_out,
            "completed": completed,
            "wall_ms": wall_ms,
            "cpu_ms": cpu_ms,
            "signal": None if sig == _NONE else sig,
            "code": None if code == _NONE else code,
        }
    raise MalformedMessage(f"not a report: {len(data)} bytes")
