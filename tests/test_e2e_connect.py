"""The real discord.py client connects to the emulator and registers the bot's commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

from bot.discord_app.runtime import StartupProblem, explained_login_errors, open_tutor_bot
from bot.discord_app.syncing import sync_commands
from tests.discord_emulator.harness import bot_on_emulator, emulator_settings, started_emulator

LESSON_SUBCOMMANDS = {"next", "current", "list", "show", "hint", "solution", "submit"}
COMMANDS = {"lesson", "progress", "leaderboard", "tutor"}
TUTOR_SUBCOMMANDS = {"learner", "reset", "unlock", "export", "stats", "audit", "config"}
MANAGE_GUILD = 1 << 5


async def test_bot_connects_and_registers_its_commands_in_the_dev_guild(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        state = running.discord.state
        assert running.bot.get_guild(running.discord.guild_id) is not None
        assert state.message_content_allowed  # it asked for the message-content intent
        # DEV_GUILD_ID: one instant guild sync, and never a global one on start.
        assert state.command_puts == [f"guild:{running.discord.guild_id}"]
        commands = {c["name"]: c for c in state.guild_commands[running.discord.guild_id]}
        assert set(commands) == COMMANDS
        assert {o["name"] for o in commands["lesson"]["options"]} == LESSON_SUBCOMMANDS
        assert {o["name"] for o in commands["tutor"]["options"]} == TUTOR_SUBCOMMANDS
        # Moderator commands are hidden from members by default (the bot checks anyway).
        for name in ("leaderboard", "tutor"):
            assert int(commands[name]["default_member_permissions"]) == MANAGE_GUILD
        assert commands["lesson"].get("default_member_permissions") is None
        assert state.unhandled_routes == []


async def test_without_dev_guild_nothing_is_synced_on_start(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path, env={"DEV_GUILD_ID": ""}) as running:
        assert running.discord.state.command_puts == []


async def test_sync_registers_the_commands_globally(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        settings = emulator_settings(emulator, tmp_path)
        names = await sync_commands(settings)
        assert set(names) == COMMANDS
        assert emulator.state.command_puts == ["global"]
        assert {c["name"] for c in emulator.state.global_commands} == COMMANDS


async def test_an_invalid_token_gets_a_one_line_explanation(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        settings = emulator_settings(emulator, tmp_path, DISCORD_TOKEN="not-the-token")
        with pytest.raises(StartupProblem, match="Reset Token"):
            await sync_commands(settings)


async def test_the_portal_switch_for_message_content_off_is_explained(tmp_path: Path) -> None:
    async with started_emulator() as emulator:
        emulator.gateway.message_content_enabled = False
        settings = emulator_settings(emulator, tmp_path)
        async with open_tutor_bot(settings, guild_ready_timeout=0.05) as bot:
            with (
                pytest.raises(StartupProblem, match="Message Content Intent"),
                explained_login_errors(settings),
            ):
                await bot.start(emulator.token)


async def test_roles_and_member_permissions_reach_the_bot(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

        async def on_interaction(interaction: discord.Interaction) -> None:
            await seen.put(interaction)

        running.bot.add_listener(on_interaction)
        role_id = await running.discord.add_role("tutors")
        member = running.discord.add_member("quin")
        asked = await running.discord.slash(member, "progress", roles=[role_id], permissions="0")
        await running.discord.wait_for_response(asked)

        interaction = await asyncio.wait_for(seen.get(), 30)
        assert isinstance(interaction.user, discord.Member)
        assert [r.name for r in interaction.user.roles if not r.is_default()] == ["tutors"]
        assert not interaction.permissions.manage_guild
