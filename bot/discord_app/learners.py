"""Who is learning where: a Discord user in a guild, or in DMs, becomes a core Learner."""

from __future__ import annotations

import discord

from bot.core import DM_SCOPE, Learner, guild_scope


def learner_for(user: discord.User | discord.Member, guild: discord.Guild | None) -> Learner:
    # Progress is per community: the same person learns separately in each server.
    scope = guild_scope(guild.id) if guild is not None else DM_SCOPE
    return Learner(scope=scope, user_id=str(user.id), display_name=user.display_name)
