"""Where fenced code counts as a submission.

Moderators pick lesson channels per guild (scope setting `lesson_channels`, a list of channel
ids); a guild with none configured treats every text channel as a lesson channel, and DMs are
always one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core import guild_scope

if TYPE_CHECKING:
    from bot.discord_app.bot import TutorBot

LESSON_CHANNELS_SETTING = "lesson_channels"


async def is_lesson_channel(bot: TutorBot, message: discord.Message) -> bool:
    if message.guild is None:
        return True
    settings = await bot.core.scope_settings(guild_scope(message.guild.id))
    configured = settings.get(LESSON_CHANNELS_SETTING) or []
    if not configured:
        return True
    channel = message.channel
    # A thread inside a lesson channel is part of it.
    parent_id = getattr(channel, "parent_id", None)
    return str(channel.id) in map(str, configured) or str(parent_id) in map(str, configured)
