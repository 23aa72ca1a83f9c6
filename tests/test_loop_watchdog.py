"""The loop-lag watchdog: a deliberate stall is logged with the stack that caused it."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.loop_watchdog import LoopWatchdog


def deliberately_stall_the_loop(seconds: float) -> None:
    time.sleep(seconds)  # blocking call on the event loop: exactly what must never happen


def _stall_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.loop_watchdog"]


async def test_a_stall_is_logged_with_the_stack_of_the_blocking_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
        async with LoopWatchdog(threshold_s=0.25) as watchdog:
            await asyncio.sleep(0.1)
            deliberately_stall_the_loop(0.6)
            await asyncio.sleep(0.1)
    during, after = _stall_messages(caplog)
    assert during.startswith("event loop stalled for ")
    assert "deliberately_stall_the_loop" in during and "time.sleep(seconds)" in during
    assert after.startswith("event loop stall ended after ")
    assert int(after.split()[-2]) >= 550
    assert watchdog.stalls == 1
    assert max(watchdog.lags) >= 0.55


async def test_a_loop_that_keeps_turning_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.loop_watchdog"):
        # A high bar, so a busy test machine's scheduling hiccups don't count as stalls.
        async with LoopWatchdog(threshold_s=1.0) as watchdog:
            for _ in range(20):
                deliberately_stall_the_loop(0.02)  # short blocking bits are under the bar
                await asyncio.sleep(0.02)
    assert _stall_messages(caplog) == []
    assert watchdog.stalls == 0 and watchdog.lags
