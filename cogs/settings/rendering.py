"""The server's tutor settings as an embed, with what stops a completion role or an
announcement from being delivered."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.core import ScopeConfig
from bot.core.scope_config import describe_solution_policy
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate


@dataclass(frozen=True)
class DeliveryProblems:
    """Why the completion role or announcement can't be delivered (None: it can)."""

    completion_role: str | None = None
    announcement: str | None = None


def config_embed(
    config: ScopeConfig, default_after_failures: int, problems: DeliveryProblems | None = None
) -> discord.Embed:
    problems = problems or DeliveryProblems()
    channels = ", ".join(f"<#{c}>" for c in config.lesson_channels) or "every channel"
    after = config.solution_threshold(default_after_failures)
    policy = describe_solution_policy(after)
    if config.solution_after_failures is None:
        policy += " (the bot's default)"
    embed = discord.Embed(title="⚙️ Tutor settings", colour=discord.Colour.dark_grey())
    embed.add_field(name="Lesson channels", value=channels, inline=False)
    embed.add_field(name="Moderator role", value=_role(config.moderator_role), inline=False)
    embed.add_field(name="Solutions", value=policy, inline=False)
    embed.add_field(
        name="Completion role",
        value=_warned(_role(config.completion_role), problems.completion_role),
        inline=False,
    )
    announcements = f"<#{config.announcement_channel}>" if config.announcement_channel else "off"
    embed.add_field(
        name="Completion announcements",
        value=_warned(announcements, problems.announcement),
        inline=False,
    )
    return embed


def _warned(value: str, problem: str | None) -> str:
    if problem is None:
        return value
    return truncate(f"{value}\n⚠️ Can't deliver it: {problem}", limits.EMBED_FIELD_VALUE)


def _role(role_id: str | None) -> str:
    return f"<@&{role_id}>" if role_id else "none"
