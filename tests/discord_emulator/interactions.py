"""INTERACTION_CREATE payloads, as Discord builds them when a member uses the bot's UI."""

from __future__ import annotations

from typing import Any

from tests.discord_emulator import payloads
from tests.discord_emulator.state import EmulatorState, Guild, Json

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER = 1, 2, 3, 4, 5, 6
CHANNEL, ROLE = 7, 8
OPTION_TYPES: dict[type, int] = {str: STRING, int: INTEGER, bool: BOOLEAN}


def base(
    state: EmulatorState,
    kind: int,
    author: Json,
    channel_id: int,
    data: Json,
    *,
    permissions: str | None = None,
    roles: list[int] | None = None,
) -> Json:
    interaction_id = state.ids.next()
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(state.application_id),
        "type": kind,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "channel_id": str(channel_id),
        "data": data,
        "locale": "en-US",
        "app_permissions": payloads.EVERYONE_PERMISSIONS,
        "entitlements": [],
        # discord.py 2.7's parser raises without it.
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if state.dm_recipient(channel_id) is not None:  # the learner's DM with the bot
        return payload | {
            "user": author,
            "channel": {"id": str(channel_id), "type": 1, "recipients": [author]},
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
        }
    guild = state.guild_of_channel(channel_id) or state.guild
    return payload | {
        "guild_id": str(guild.id),
        "channel": state.text_channel(channel_id),
        "member": payloads.member(
            author, permissions=permissions or payloads.EVERYONE_PERMISSIONS, roles=roles
        ),
        "guild_locale": "en-US",
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
    }


def command_data(
    state: EmulatorState,
    path: str,
    options: dict[str, Any],
    *,
    dm: bool = False,
    guild: Guild | None = None,
) -> Json:
    """`path` is how a member types it: "lesson show" is subcommand `show` of `/lesson`;
    used in `guild` (default: the default guild) unless `dm`."""
    name, *subcommands = path.split()
    guild = guild or state.guild
    command = _registered(state, name, dm=dm, guild=guild)
    leaf: list[Json] = [_option(state, key, value) for key, value in options.items()]
    for sub in reversed(subcommands):
        kind = SUB_COMMAND if sub == subcommands[-1] else SUB_COMMAND_GROUP
        leaf = [{"type": kind, "name": sub, "options": leaf}]
    data: Json = {"id": command["id"], "name": name, "type": 1, "options": leaf}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    resolved: Json = {}
    for value in options.values():
        object_kind = _object_kind(value)
        if object_kind == USER:
            resolved.setdefault("users", {})[value["id"]] = value
            if state.is_member(guild, int(value["id"])):
                resolved.setdefault("members", {})[value["id"]] = _resolved_member()
        elif object_kind == ROLE:
            resolved.setdefault("roles", {})[value["id"]] = value
        elif object_kind == CHANNEL:
            channel = {**value, "permissions": payloads.EVERYONE_PERMISSIONS}
            resolved.setdefault("channels", {})[value["id"]] = channel
    if resolved:
        data["resolved"] = resolved
    return data


def focus(data: Json, option: str) -> Json:
    """Mark one option as the one being typed, for an autocomplete request."""
    for item in _leaf_options(data):
        if item["name"] == option:
            item["focused"] = True
    return data


def modal_submission(modal: Json, values: dict[str, str]) -> Json:
    """Answer a modal the bot opened, echoing its layout with the member's values."""
    rows: list[Json] = []
    for row in modal["components"]:
        if row["type"] == 18:  # a Label wrapping one input
            inner = row["component"]
            rows.append({"type": 18, "component": _filled(inner, values)})
        else:
            rows.append({"type": 1, "components": [_filled(c, values) for c in row["components"]]})
    return {"custom_id": modal["custom_id"], "components": rows}


def _filled(component: Json, values: dict[str, str]) -> Json:
    value = values.get(component["custom_id"], component.get("value", ""))
    return {"type": component["type"], "custom_id": component["custom_id"], "value": value}


def _registered(state: EmulatorState, name: str, *, dm: bool, guild: Guild) -> Json:
    # In DMs Discord offers only global commands that allow the bot-DM context (1).
    in_guild = [] if dm else state.guild_commands.get(guild.id, [])
    commands = [*in_guild, *state.global_commands]
    for command in commands:
        if command["name"] != name:
            continue
        contexts = command.get("contexts") or [0, 1, 2]  # none given: every context
        if dm and (command.get("dm_permission") is False or 1 not in contexts):
            break
        return command
    where = "in DMs" if dm else "in the server"
    raise LookupError(f"/{name} is not registered {where}, so Discord would not offer it")


def _option(state: EmulatorState, name: str, value: Any) -> Json:
    kind = _object_kind(value)
    if kind is not None:  # a user, role or channel payload: Discord sends its id
        return {"type": kind, "name": name, "value": value["id"]}
    return {"type": OPTION_TYPES[type(value)], "name": name, "value": value}


def _object_kind(value: Any) -> int | None:
    """Which option type a payload passed as an option value is: user, role or channel."""
    if not isinstance(value, dict):
        return None
    if "username" in value:
        return USER
    if "color" in value:
        return ROLE
    return CHANNEL


def _leaf_options(data: Json) -> list[Json]:
    options: list[Json] = data.get("options", [])
    while options and options[0]["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
        options = options[0].get("options", [])
    return options


def _resolved_member() -> Json:
    return {"roles": [], "joined_at": payloads.now(), "deaf": False, "mute": False, "flags": 0}
