"""`python -m bot` as a real process: runs against the emulator, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.store import SqliteStore
from tests.discord_emulator import DiscordEmulator
from tests.discord_emulator.harness import started_emulator

REPO = Path(__file__).resolve().parents[1]


def bot_env(emulator: DiscordEmulator | None, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
    env["DATABASE_PATH"] = str(tmp_path / "tutor.sqlite3")
    env["SANDBOX_WORKERS"] = "1"
    if emulator is not None:
        env |= {
            "DISCORD_TOKEN": emulator.token,
            "DEV_GUILD_ID": str(emulator.guild_id),
            "DISCORD_API_BASE": emulator.api_base,
            "DISCORD_GATEWAY_URL": emulator.gateway_url,
        }
    return env


async def start_bot(tmp_path: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--env-file",
        str(tmp_path / "absent.env"),  # never the developer's own .env
        *args,
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_plain_python_m_bot_runs_the_bot_and_a_signal_stops_it(
    tmp_path: Path, stop: signal.Signals
) -> None:
    async with started_emulator() as emulator:
        process = await start_bot(tmp_path, bot_env(emulator, tmp_path))
        try:
            await emulator.wait_until_connected(timeout=60)
            assert emulator.state.command_puts == [f"guild:{emulator.guild_id}"]
            member = emulator.add_member("una")
            asked = await emulator.slash(member, "lesson next")
            shown = await emulator.wait_for_response(asked, timeout=60)
            assert shown["embeds"][0]["title"].startswith("Lesson 1")
        finally:
            process.send_signal(stop)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr

    # The database was closed cleanly with the learner's visit in it.
    async with SqliteStore(tmp_path / "tutor.sqlite3") as store:
        assert await store.get_learner(f"guild:{emulator.guild_id}", member["id"]) is not None


async def test_run_without_a_token_explains_where_to_get_one(tmp_path: Path) -> None:
    process = await start_bot(tmp_path, bot_env(None, tmp_path), "run")
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN is not set" in lines[0]
    assert "discord.com/developers/applications" in lines[0]


async def test_run_with_a_rejected_token_says_so_in_one_line(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        env = bot_env(emulator, tmp_path) | {"DISCORD_TOKEN": "not-the-token"}
        process = await start_bot(tmp_path, env, "run")
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    text = stderr.decode()
    assert "Traceback" not in text
    # The explanation is one line, the last; log records of the start may come before it.
    explanation = text.strip().splitlines()[-1]
    assert explanation.startswith("error: Discord rejected DISCORD_TOKEN")
    assert "Reset Token" in explanation


async def test_sigterm_lets_a_running_grading_post_its_verdict(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        env = bot_env(emulator, tmp_path) | {"SANDBOX_TIMEOUT": "2"}
        process = await start_bot(tmp_path, env)
        try:
            await emulator.wait_until_connected(timeout=60)
            member = emulator.add_member("vic")
            looping = await emulator.send_message(member, "```python\nwhile True:\n    pass\n```")
            await emulator.wait_for_reactions(looping, ["⏳"])
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        # The verdict went out before the bot disconnected.
        reply = emulator.replies_to(looping)
        assert reply and reply[0]["embeds"][0]["title"].startswith("⏱️ Timed out")


async def test_sync_registers_globally_and_says_so(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        process = await start_bot(tmp_path, bot_env(emulator, tmp_path), "sync")
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        assert stdout.decode().startswith(
            "Registered 4 commands in all servers (may take up to an hour): "
            "leaderboard, lesson, progress, tutor"
        )
        assert emulator.state.command_puts == ["global"]  # and no guild sync on the way
