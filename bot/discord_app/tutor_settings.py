"""What `/tutor config ...` does, kept out of the cog so the cog stays a list of commands.

Each change is stored per guild through the core (audited with who made it) and answered
with the settings as they now are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

from bot.core import guild_scope
from bot.core.scope_config import ANNOUNCEMENT_CHANNEL, COMPLETION_ROLE, MODERATOR_ROLE
from bot.discord_app.moderators import actor_of
from bot.discord_app.rendering.moderation import config_embed

if TYPE_CHECKING:
    from bot.discord_app.bot import TutorBot

ROLE_SETTINGS = {"moderator": MODERATOR_ROLE, "completion": COMPLETION_ROLE}


def _context(interaction: discord.Interaction) -> tuple[TutorBot, str, str]:
    assert interaction.guild is not None  # the commands are guild-only and checked
    bot = cast("TutorBot", interaction.client)
    return bot, guild_scope(interaction.guild.id), actor_of(interaction.user)


async def show(interaction: discord.Interaction, note: str | None = None) -> None:
    bot, scope, _ = _context(interaction)
    config = await bot.core.config(scope)
    embed = config_embed(config, bot.core.solution_after_failures)
    await interaction.response.send_message(note, embed=embed, ephemeral=True)


async def add_channel(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    bot, scope, actor = _context(interaction)
    added = await bot.core.configs.add_lesson_channel(scope, channel.id, actor=actor)
    note = (
        f"{channel.mention} is now a lesson channel: code posted elsewhere is not graded."
        if added
        else f"{channel.mention} already was a lesson channel."
    )
    await show(interaction, note)


async def remove_channel(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    bot, scope, actor = _context(interaction)
    removed = await bot.core.configs.remove_lesson_channel(scope, channel.id, actor=actor)
    note = (
        f"{channel.mention} is no longer a lesson channel."
        if removed
        else f"{channel.mention} was not a lesson channel."
    )
    await show(interaction, note)


async def set_role(interaction: discord.Interaction, which: str, role: discord.Role | None) -> None:
    bot, scope, actor = _context(interaction)
    await bot.core.configs.set_role_or_channel(
        scope, ROLE_SETTINGS[which], None if role is None else role.id, actor=actor
    )
    await show(interaction, f"{which.title()} role {'cleared' if role is None else 'set'}.")


async def set_announcements(
    interaction: discord.Interaction, channel: discord.TextChannel | None
) -> None:
    bot, scope, actor = _context(interaction)
    await bot.core.configs.set_role_or_channel(
        scope, ANNOUNCEMENT_CHANNEL, None if channel is None else channel.id, actor=actor
    )
    note = "Completions are not announced." if channel is None else "Completions are announced."
    await show(interaction, note)


async def set_solution_policy(interaction: discord.Interaction, after_failures: int | None) -> None:
    bot, scope, actor = _context(interaction)
    await bot.core.configs.set_solution_policy(scope, after_failures, actor=actor)
    await show(interaction, "Solution policy saved.")
