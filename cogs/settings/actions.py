"""What `/tutor config ...` does, kept out of the cog so the cog stays a list of commands.

Each change is stored per guild through the core (audited with who made it) and answered
with the settings as they now are.
"""

from __future__ import annotations

import discord

from bot.core import ScopeConfig, SettingRefused, guild_scope
from bot.core.scope_config import ANNOUNCEMENT_CHANNEL, COMPLETION_ROLE, MODERATOR_ROLE
from bot.discord_app.client import TutorClient, tutor_client
from bot.discord_app.moderators import actor_of
from cogs.settings.rendering import DeliveryProblems, config_embed
from cogs.settings.role_rules import announcement_problem, completion_role_problem, role_refusal

ROLE_SETTINGS = {"moderator": MODERATOR_ROLE, "completion": COMPLETION_ROLE}


def _context(interaction: discord.Interaction) -> tuple[TutorClient, str, str]:
    assert interaction.guild is not None  # the commands are guild-only and checked
    return tutor_client(interaction), guild_scope(interaction.guild.id), actor_of(interaction.user)


async def show(interaction: discord.Interaction, note: str | None = None) -> None:
    bot, scope, _ = _context(interaction)
    config = await bot.core.config(scope)
    assert interaction.guild is not None
    embed = config_embed(
        config, bot.core.solution_after_failures, delivery_problems(interaction.guild, config)
    )
    await interaction.response.send_message(note, embed=embed, ephemeral=True)


def delivery_problems(guild: discord.Guild, config: ScopeConfig) -> DeliveryProblems:
    """What would stop the completion role or announcement now (checked against the
    server as it is), else the last failure the bot recorded."""
    role = config.completion_role
    channel = config.announcement_channel
    return DeliveryProblems(
        completion_role=(role and completion_role_problem(guild, role))
        or config.completion_role_problem,
        announcement=(channel and announcement_problem(guild, channel))
        or config.announcement_problem,
    )


async def add_channel(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    bot, scope, actor = _context(interaction)
    added = await bot.core.add_lesson_channel(scope, channel.id, actor=actor)
    note = (
        f"{channel.mention} is now a lesson channel: code posted elsewhere is not graded."
        if added
        else f"{channel.mention} already was a lesson channel."
    )
    await show(interaction, note)


async def remove_channel(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
    bot, scope, actor = _context(interaction)
    removed = await bot.core.remove_lesson_channel(scope, channel.id, actor=actor)
    note = (
        f"{channel.mention} is no longer a lesson channel."
        if removed
        else f"{channel.mention} was not a lesson channel."
    )
    await show(interaction, note)


async def set_role(interaction: discord.Interaction, which: str, role: discord.Role | None) -> None:
    bot, scope, actor = _context(interaction)
    refusal = None if role is None else role_refusal(which, role)
    if refusal is not None:
        raise SettingRefused(refusal)  # the tree's error handler answers, privately
    await bot.core.set_role_or_channel(
        scope, ROLE_SETTINGS[which], None if role is None else role.id, actor=actor
    )
    note = f"{which.title()} role {'cleared' if role is None else 'set'}."
    if which == "completion" and role is not None and interaction.guild is not None:
        problem = completion_role_problem(interaction.guild, str(role.id))
        if problem is not None:
            note += f"\n⚠️ But I can't give it to anyone yet: {problem}"
    await show(interaction, note)


async def set_announcements(
    interaction: discord.Interaction, channel: discord.TextChannel | None
) -> None:
    bot, scope, actor = _context(interaction)
    await bot.core.set_role_or_channel(
        scope, ANNOUNCEMENT_CHANNEL, None if channel is None else channel.id, actor=actor
    )
    note = "Completions are not announced." if channel is None else "Completions are announced."
    if channel is not None and interaction.guild is not None:
        problem = announcement_problem(interaction.guild, str(channel.id))
        if problem is not None:
            note += f"\n⚠️ But I can't announce there yet: {problem}"
    await show(interaction, note)


async def set_solution_policy(interaction: discord.Interaction, after_failures: int | None) -> None:
    bot, scope, actor = _context(interaction)
    await bot.core.set_solution_policy(scope, after_failures, actor=actor)
    await show(interaction, "Solution policy saved.")
