"""Builders for Discord API v10 objects, with the fields discord.py 2.7 requires."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

# Every permission but Administrator (which would override channel overwrites) for the
# @everyone role keeps the emulator out of the way of permission checks; moderator tests
# narrow it with explicit member permissions, delivery tests deny the bot some in a channel.
ADMINISTRATOR = 1 << 3
EVERYONE_PERMISSIONS = str(((1 << 41) - 1) & ~ADMINISTRATOR)


def now() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


def member(
    user_payload: Json, *, permissions: str | None = None, roles: list[int] | None = None
) -> Json:
    data: Json = {
        "user": user_payload,
        "roles": [str(r) for r in roles or []],
        "joined_at": now(),
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    if permissions is not None:
        data["permissions"] = permissions  # only present in interaction payloads
    return data


def text_channel(
    channel_id: int, name: str, guild_id: int, position: int, overwrites: list[Json] | None = None
) -> Json:
    return {
        "id": str(channel_id),
        "type": 0,
        "name": name,
        "position": position,
        "guild_id": str(guild_id),
        "permission_overwrites": overwrites or [],
        "nsfw": False,
        "parent_id": None,
    }


def thread(thread_id: int, parent_id: int, guild_id: int, owner_id: str, name: str) -> Json:
    """A public thread in a text channel."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": owner_id,
        "name": name,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": now(),
            "locked": False,
        },
        "newly_created": True,
    }


def member_overwrite(user_id: str, deny: int) -> Json:
    """A channel permission overwrite denying one member some permissions."""
    return {"id": user_id, "type": 1, "allow": "0", "deny": str(deny)}


def role(
    role_id: int, name: str, permissions: str, position: int, *, bot_id: str | None = None
) -> Json:
    """A guild role; with `bot_id`, the managed role Discord gives a bot when it joins."""
    data: Json = {
        "id": str(role_id),  # @everyone shares the guild's id
        "name": name,
        "permissions": permissions,
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": bot_id is not None,
        "mentionable": False,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": bot_id}
    return data


def guild(
    guild_id: int,
    *,
    owner_id: int,
    channels: list[Json],
    members: list[Json],
    roles: list[Json] | None = None,
    everyone_permissions: str = EVERYONE_PERMISSIONS,
) -> Json:
    return {
        "id": str(guild_id),
        "name": "Gradient Tutor Test Server",
        "owner_id": str(owner_id),
        "unavailable": False,
        "member_count": len(members),
        "roles": [role(guild_id, "@everyone", everyone_permissions, 0), *(roles or [])],
        "channels": channels,
        "members": members,
        "emojis": [],
        "stickers": [],
        "features": [],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "large": False,
        "preferred_locale": "en-US",
    }


def message(
    message_id: int,
    channel_id: int,
    author: Json,
    content: str,
    *,
    guild_id: int | None = None,
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    reference: int | None = None,
    flags: int = 0,
) -> Json:
    data: Json = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": 19 if reference else 0,
        "author": author,
        "content": content,
        "embeds": embeds or [],
        "components": components or [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": now(),
        "edited_timestamp": None,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if reference is not None:
        data["message_reference"] = {"message_id": str(reference), "channel_id": str(channel_id)}
    return data


def application(app_id: int, owner: Json) -> Json:
    return {
        "id": str(app_id),
        "name": "Gradient Tutor",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED: the portal switch, as for new bots
        "interactions_endpoint_url": None,
    }
