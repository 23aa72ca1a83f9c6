"""Who may moderate: members with Manage Server, or the guild's configured moderator role.

Checked by the bot on every moderator command and button. Discord's default permissions on
the commands only hide them from the command picker, and server admins can change those in
Server Settings → Integrations: the bot never relies on them.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core import guild_scope
from bot.discord_app.client import tutor_client
from bot.discord_app.errors import Refusal

# Discord's default for the moderator commands: shown to members who can manage the server.
MODERATOR_DEFAULT_PERMISSIONS = discord.Permissions(manage_guild=True)


class NotAModerator(Refusal):
    def __init__(self) -> None:
        super().__init__(
            "Sorry, that is for the server's moderators: members with Manage Server or the "
            "moderator role set with `/tutor config moderator-role`."
        )


def actor_of(user: discord.abc.User) -> str:
    """How a moderator is named in the audit log: the stable id, then the name at the time."""
    return f"{user.id} ({user.name})"


async def ensure_moderator(interaction: discord.Interaction) -> None:
    """Raise NotAModerator (or NoPrivateMessage outside a server) unless the user moderates."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    user = interaction.user
    # Permissions as Discord resolved them for this member in this channel.
    manage = interaction.permissions.manage_guild or interaction.permissions.administrator
    # Never @everyone (discord.py lists it among every member's roles): a moderator role
    # stored as @everyone, from before such settings were refused, hands out nothing.
    role_ids = (
        [role.id for role in user.roles if not role.is_default()]
        if isinstance(user, discord.Member)
        else []
    )
    config = await tutor_client(interaction).core.config(guild_scope(interaction.guild.id))
    if not config.is_moderator(role_ids, manage_guild=manage):
        raise NotAModerator()
