"""Which roles may become the moderator or completion role, and whether the bot can deliver
what finishing the course promises (the completion role, the announcement).

Default-deny: a role that every member has (@everyone), that Discord hands out itself
(managed: a bot's or an integration's role), or that would grant more than the setting
means, is refused before anything is stored. The rule that one role is never both the
moderator and the completion role lives in the core (`ScopeConfigs`), for every front end.
"""

from __future__ import annotations

import discord

# Powers a course certificate must never carry: Discord's "elevated" set (kick, ban,
# manage server/roles/channels/messages, Administrator, ...) and pinging everyone.
UNEARNABLE = discord.Permissions.elevated() | discord.Permissions(mention_everyone=True)
SETTINGS_PATH = "Server Settings → Roles"


def role_refusal(which: str, role: discord.Role) -> str | None:
    """Why `role` may not be the `which` ("moderator" or "completion") role, or None."""
    if role.is_default():
        return f"@everyone can't be the {which} role: every member has it."
    if role.managed:
        return (
            f"{role.mention} is managed by a bot or an integration: Discord gives it out, "
            "not the server. Choose a role the server hands out itself."
        )
    if which == "moderator" and role.permissions.administrator:
        return (
            f"{role.mention} carries Administrator: its members can already do everything, "
            "and the moderator role should give no more than the course tools. Choose a "
            "role without it."
        )
    if which == "completion":
        powers = [name for name, granted in role.permissions & UNEARNABLE if granted]
        if powers:
            listed = ", ".join(_permission_name(p) for p in powers)
            return (
                f"{role.mention} carries {listed}: finishing the course would hand those "
                "out to learners. Choose a role without them."
            )
    return None


def completion_role_problem(guild: discord.Guild, role_id: str) -> str | None:
    """Why the bot could not give the completion role right now, or None when it can."""
    role = guild.get_role(int(role_id))
    if role is None:
        return "that role no longer exists."
    me = guild.me
    if not me.guild_permissions.manage_roles:
        return f"I don't have Manage Roles. Give my role ({me.top_role.mention}) that permission."
    if role >= me.top_role:
        return (
            f"{role.mention} is not below my highest role ({me.top_role.mention}). "
            f"Drag my role above it in {SETTINGS_PATH}."
        )
    return None


def announcement_problem(guild: discord.Guild, channel_id: str) -> str | None:
    """Why the bot could not announce in that channel right now, or None when it can."""
    channel = guild.get_channel(int(channel_id))
    if not isinstance(channel, discord.TextChannel):
        return "that channel no longer exists."
    allowed = channel.permissions_for(guild.me)
    if not (allowed.view_channel and allowed.send_messages):
        return f"I can't send messages in {channel.mention}. Allow me to, in its permissions."
    return None


def _permission_name(name: str) -> str:
    return name.replace("_", " ").title().replace("Guild", "Server")
