"""Run the real bot (real core, store, sandbox pool and course) against a fresh emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.discord_app.bot import TutorBot
from bot.discord_app.endpoints import use_endpoints
from bot.discord_app.runtime import open_tutor_bot
from bot.settings import Settings
from lessons import load_course
from tests.discord_emulator.emulator import DEFAULT_WAIT_S, DiscordEmulator
from tests.discord_emulator.state import Json


@dataclass
class Running:
    discord: DiscordEmulator
    bot: TutorBot


def emulator_settings(emulator: DiscordEmulator, tmp_path: Path, **env: str) -> Settings:
    """Settings as the bot would read them from .env, pointed at the emulator."""
    return Settings.from_mapping(
        {
            "DISCORD_TOKEN": emulator.token,
            "DATABASE_PATH": str(tmp_path / "tutor.sqlite3"),
            "DEV_GUILD_ID": str(emulator.guild_id),
            "DISCORD_API_BASE": emulator.api_base,
            "DISCORD_GATEWAY_URL": emulator.gateway_url,
            "SANDBOX_WORKERS": "2",
            **env,
        }
    )


@asynccontextmanager
async def started_emulator() -> AsyncIterator[DiscordEmulator]:
    emulator = DiscordEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.close()
        use_endpoints(None, None)  # later clients in this process talk to Discord again


@asynccontextmanager
async def bot_on_emulator(
    tmp_path: Path, *, env: dict[str, str] | None = None, **bot_options: Any
) -> AsyncIterator[Running]:
    """A fresh emulator with the bot connected and ready (commands registered)."""
    async with (
        started_emulator() as emulator,
        bot_connected(emulator, tmp_path, env=env, **bot_options) as bot,
    ):
        yield Running(emulator, bot)


@asynccontextmanager
async def bot_connected(
    emulator: DiscordEmulator,
    tmp_path: Path,
    *,
    env: dict[str, str] | None = None,
    **bot_options: Any,
) -> AsyncIterator[TutorBot]:
    """The bot connected to `emulator` until the block ends; connecting again with the same
    `tmp_path` (the same database) is a restart."""
    # The core's pause between submissions: none unless a test asks for one.
    cooldown = bot_options.pop("submission_cooldown_s", 0.0)
    # discord.py waits this long after the last GUILD_CREATE before on_ready.
    bot_options.setdefault("guild_ready_timeout", 0.05)
    env = {"SUBMISSION_COOLDOWN": str(cooldown), **(env or {})}
    settings = emulator_settings(emulator, tmp_path, **env)
    async with open_tutor_bot(settings, **bot_options) as bot:
        runner = asyncio.create_task(bot.start(emulator.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {runner, ready}, timeout=DEFAULT_WAIT_S, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if runner in done:
                runner.result()  # raises what stopped the bot
            raise TimeoutError("the bot did not become ready")
        try:
            yield bot
            # Every scenario also proves the bot stayed within Discord's limits and that
            # nothing it sent could ping anyone.
            assert emulator.state.rejected == [], emulator.state.rejected
            assert emulator.state.unhandled_routes == [], emulator.state.unhandled_routes
            assert [b for b in emulator.sent_bodies() if not mentions_disabled(b)] == []
        finally:
            await bot.close()
            await runner


def mentions_disabled(body: Json) -> bool:
    """Whether a message body lets no content mention ping (@everyone, roles, members)."""
    allowed = body.get("allowed_mentions") or {}
    return (
        allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user", False)
    )


def fenced(code: str, language: str = "python") -> str:
    """A chat message holding `code` the way learners post it."""
    return f"Here is my attempt:\n```{language}\n{code.rstrip()}\n```"


def passed(reply: Json) -> bool:
    return bool(reply["embeds"]) and reply["embeds"][0]["title"].startswith("✅")


async def pass_lessons(running: Running, member: Json, count: int) -> None:
    """Pass the first `count` lessons with their reference solutions, as a learner would:
    post the code, then press Next to move on to the lesson it unlocked."""
    for lesson in load_course().lessons[:count]:
        message = await running.discord.send_message(member, fenced(lesson.solution))
        reply = await running.discord.wait_for_reply(message)
        assert passed(reply), reply["embeds"][0]
        pressed = await running.discord.click(member, reply, "tutor:next")
        await running.discord.wait_for_response(pressed)


# A member without Manage Server (view, send, use application commands), for moderator
# checks: the emulator's default grants every permission.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 31))


def button_ids(message: Json) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


def attachment_bytes(message: Json, filename: str) -> bytes:
    """What the bot uploaded as `filename` with this message."""
    found = next(a for a in message["attachments"] if a["filename"] == filename)
    return bytes.fromhex(found["data"])
