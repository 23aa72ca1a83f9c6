"""Ctrl-C and SIGTERM stop the bot through the event loop, and the stop always ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.discord_app.stopping import stop_on_signals
from tests.discord_emulator.harness import started_emulator
from tests.test_e2e_run_command import REPO, bot_env


async def test_a_swallowed_cancellation_is_repeated_with_every_tasks_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exits: list[int] = []

    async def swallows_the_first_cancellation() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # a lost cancellation, as seen outside
            await asyncio.sleep(60)
        await asyncio.sleep(60)

    main = asyncio.create_task(swallows_the_first_cancellation())
    remove = stop_on_signals(main, grace_s=0.2, exit_now=exits.append)  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0.05)
        with caplog.at_level(logging.INFO, logger="bot.discord_app.stopping"):
            os.kill(os.getpid(), signal.SIGINT)
            with pytest.raises(asyncio.CancelledError):
                await main
    finally:
        remove()
    assert "SIGINT: stopping" in caplog.text
    assert "still stopping 0 s after the signal; cancelling again" in caplog.text
    assert "swallows_the_first_cancellation" in caplog.text  # the stack says where it hung
    assert exits == []


async def test_a_stop_that_never_ends_exits_and_a_second_signal_exits_at_once() -> None:
    exits: list[int] = []

    async def never_stops() -> None:
        while True:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(60)

    main = asyncio.create_task(never_stops())
    remove = stop_on_signals(main, grace_s=0.1, exit_now=exits.append)  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.4)
        assert exits == [1]
        os.kill(os.getpid(), signal.SIGINT)
        await asyncio.sleep(0.05)
        assert exits == [1, 130]
    finally:
        remove()
        main.cancel()
        main.get_coro().close()  # type: ignore[union-attr]


async def test_ctrl_c_stops_the_bot_even_when_it_was_started_with_sigint_ignored(
    tmp_path: Path,
) -> None:
    """A shell without job control starts background jobs with SIGINT ignored, and Python
    keeps it so; asyncio.run then installs no handler and Ctrl-C did nothing (the flaky
    e2e test under a backgrounded full-suite run)."""
    async with started_emulator() as emulator:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--env-file", str(tmp_path / "absent.env"),
            env=bot_env(emulator, tmp_path), cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )  # fmt: skip
        try:
            await emulator.wait_until_connected(timeout=60)
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
        assert b"SIGINT: stopping" in stderr
