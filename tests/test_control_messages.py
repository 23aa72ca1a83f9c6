"""The zygote's per-run control records: what one side packs, the other reads back."""

from __future__ import annotations

import pytest

from sandbox.control_messages import (
    KILL,
    START,
    STARTED,
    STARTED_RECORD,
    MalformedMessage,
    exited_report,
    kill_request,
    read_report,
    read_request,
    start_request,
)


def test_requests_round_trip() -> None:
    assert read_request(start_request(2**40 + 7, 12.5)) == (START, 2**40 + 7, 12.5)
    assert read_request(kill_request(3)) == (KILL, 3, 0.0)


def test_started_and_exited_reports_read_as_the_pool_expects() -> None:
    started = read_report(STARTED_RECORD.pack(STARTED, 9, 4242))
    assert started == {"op": "started", "id": 9, "pid": 4242}
    killed = exited_report(
        9, timed_out=True, completed=False, wall_ms=5001.25, cpu_ms=4990.5, signal=9, code=None
    )
    assert read_report(killed) == {
        "op": "exited", "id": 9, "timed_out": True, "completed": False,
        "wall_ms": 5001.25, "cpu_ms": 4990.5, "signal": 9, "code": None,
    }  # fmt: skip
    finished = read_report(
        exited_report(
            10, timed_out=False, completed=True, wall_ms=3.5, cpu_ms=3.25, signal=None, code=0
        )
    )
    assert finished["signal"] is None and finished["code"] == 0 and finished["completed"]


MALFORMED = [
    b"",
    b"\x01",
    start_request(1, 1.0) + b"x",
    b"\x09" + start_request(1, 1.0)[1:],
    b'{"op": "start", "id": 1}',
]


@pytest.mark.parametrize("data", MALFORMED)
def test_anything_else_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedMessage):
        read_request(data)
    with pytest.raises(MalformedMessage):
        read_report(data)
