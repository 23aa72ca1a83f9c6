"""Where fenced code counts as a submission.

Moderators pick lesson channels per guild (`/tutor config channel-add`); a guild with none
configured treats every text channel as a lesson channel, and DMs are always one. Read
through the core's cached per-guild config: this runs for every message with a fence.
"""

from __future__ import annotations

import discord

from bot.core import guild_scope
from bot.discord_app.client import TutorClient


async def is_lesson_channel(bot: TutorClient, message: discord.Message) -> bool:
    if message.guild is None:
        return True
    config = await bot.core.config(guild_scope(message.guild.id))
    # A thread inside a lesson channel is part of it.
    return config.is_lesson_channel(message.channel.id, getattr(message.channel, "parent_id", None))
