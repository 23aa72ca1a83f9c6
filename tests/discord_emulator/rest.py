"""REST routes under /api/v10: the calls discord.py makes for what the bot does.

Identity, command registration, channel messages and reactions live here; interaction
answers in `rest_interactions`. Calls nobody emulates are recorded in `unhandled_routes`.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from tests.discord_emulator import messages, payloads
from tests.discord_emulator.bodies import (
    cannot_message_user,
    error,
    invalid_form_body,
    missing_permissions,
    no_content,
    ok,
    read_body,
    unknown_message,
    unknown_reference,
)
from tests.discord_emulator.gateway import Gateway
from tests.discord_emulator.rest_interactions import InteractionApi
from tests.discord_emulator.state import (
    ADD_REACTIONS,
    ATTACH_FILES,
    EMBED_LINKS,
    MANAGE_ROLES,
    SEND_MESSAGES,
    EmulatorState,
    Json,
)
from tests.discord_emulator.validation import command_problems, message_problems

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
# Interaction answers are authorised by the interaction token in the URL, not the bot token.
OPEN_PATHS = (API_PREFIX + "/interactions", API_PREFIX + "/webhooks")


class RestApi:
    def __init__(self, state: EmulatorState, gateway: Gateway, token: str) -> None:
        self.state = state
        self.gateway = gateway
        self.token = token
        self.interactions = InteractionApi(state, gateway)

    def routes(self) -> list[web.RouteDef]:
        app = "/applications/{app_id}"
        msg = "/channels/{channel_id}/messages/{message_id}"
        routes = [
            web.get("/users/@me", self.get_me),
            web.post("/users/@me/channels", self.open_dm),
            web.get("/oauth2/applications/@me", self.get_application),
            web.put(app + "/commands", self.put_commands),
            web.get(app + "/commands", self.get_commands),
            web.put(app + "/guilds/{guild_id}/commands", self.put_commands),
            web.get(app + "/guilds/{guild_id}/commands", self.get_commands),
            web.post("/channels/{channel_id}/messages", self.create_message),
            web.get(msg, self.get_message),
            web.patch(msg, self.edit_message),
            web.delete(msg, self.delete_message),
            web.put(msg + "/reactions/{emoji}/@me", self.add_reaction),
            web.delete(msg + "/reactions/{emoji}/@me", self.remove_reaction),
            web.put("/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self.add_member_role),
            *self.interactions.routes(),
        ]
        return [web.route(r.method, API_PREFIX + r.path, r.handler) for r in routes]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Bot-token auth where Discord wants it, and a record of calls we do not emulate."""
        if not request.path.startswith(API_PREFIX):
            return await handler(request)  # the gateway
        needs_auth = not request.path.startswith(OPEN_PATHS)
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return error(401, "401: Unauthorized")
        if request.match_info.http_exception is not None:
            self.state.unhandled_routes.append(f"{request.method} {request.path}")
            log.warning("emulator: unhandled %s %s", request.method, request.path)
            return error(404, "404: Not Found")
        response: web.StreamResponse = await handler(request)
        await self.state.notify()
        return response

    # -- identity and commands --------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        return ok(self.state.bot_user)

    async def get_application(self, request: web.Request) -> web.Response:
        return ok(payloads.application(self.state.application_id, self.state.owner))

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite, as `CommandTree.sync` does it."""
        body: list[Json] = await request.json()
        if self.state.refuse(problems := command_problems(body)):
            return invalid_form_body(problems)
        guild_id = request.match_info.get("guild_id")
        registered = [
            {
                **command,
                "id": str(self.state.ids.next()),
                "application_id": str(self.state.application_id),
                "version": "1",
                "type": command.get("type", 1),
                "description": command.get("description", ""),
                **({"guild_id": guild_id} if guild_id else {}),
            }
            for command in body
        ]
        if guild_id:
            self.state.guild_commands[int(guild_id)] = registered
            self.state.command_puts.append(f"guild:{guild_id}")
        else:
            self.state.global_commands = registered
            self.state.command_puts.append("global")
        return ok(registered)

    async def get_commands(self, request: web.Request) -> web.Response:
        guild_id = request.match_info.get("guild_id")
        if guild_id:
            return ok(self.state.guild_commands.get(int(guild_id), []))
        return ok(self.state.global_commands)

    # -- channel messages and reactions -------------------------------------------------------

    async def open_dm(self, request: web.Request) -> web.Response:
        user_id = int((await request.json())["recipient_id"])
        channel_id = self.state.dm_channel(user_id)
        recipient = self.state.users[user_id]
        return ok({"id": str(channel_id), "type": 1, "recipients": [recipient]})

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        denied = self.state.bot_denied.get(channel_id, 0)
        if denied & SEND_MESSAGES:
            return missing_permissions()
        if self.state.dm_recipient(channel_id) in self.state.dms_closed:
            return cannot_message_user()
        body, files = await read_body(request)
        if files and denied & ATTACH_FILES:
            return missing_permissions()
        if denied & EMBED_LINKS:
            body["embeds"] = []  # Discord drops a bot's embeds without a word
        if self.state.refuse(problems := message_problems(body)):
            return invalid_form_body(problems)
        reference = body.get("message_reference") or {}
        reference_id = int(reference["message_id"]) if "message_id" in reference else None
        if reference_id is not None and reference_id not in self.state.messages:
            if reference.get("fail_if_not_exists", True):
                return unknown_reference()
            reference_id = None  # sent as a plain message, as Discord does
        message = messages.create(self.state, channel_id, body, files, reference=reference_id)
        self.state.sent.append({"kind": "create", "message_id": message["id"], "body": body})
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return ok(message)

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.state.messages.get(int(request.match_info["message_id"]))
        return unknown_message() if message is None else ok(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.state.messages.get(int(request.match_info["message_id"]))
        if message is None:
            return unknown_message()
        body, files = await read_body(request)
        if self.state.refuse(problems := message_problems(body)):
            return invalid_form_body(problems)
        messages.edit(self.state, message, body, files)
        self.state.sent.append({"kind": "edit", "message_id": message["id"], "body": body})
        await self.gateway.dispatch("MESSAGE_UPDATE", message)
        return ok(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        self.state.messages.pop(int(request.match_info["message_id"]), None)
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        key = _reaction_key(request)
        if self.state.bot_denied.get(key[0], 0) & ADD_REACTIONS:
            return missing_permissions()
        if key[1] not in self.state.messages:
            return unknown_message()
        if key not in self.state.reactions:
            self.state.reactions.append(key)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        key = _reaction_key(request)
        if key in self.state.reactions:
            self.state.reactions.remove(key)
        return no_content()

    async def add_member_role(self, request: web.Request) -> web.Response:
        info = request.match_info
        guild = self.state.guild_by_id(int(info["guild_id"]))
        if int(info["role_id"]) not in [int(r["id"]) for r in guild.roles]:
            return error(404, "Unknown Role", 10011)
        # Discord's rule: Manage Roles, and only roles below the bot's top role.
        can_manage = self.state.bot_permissions(guild) & MANAGE_ROLES
        if not can_manage or not self.state.bot_outranks(int(info["role_id"]), guild):
            return missing_permissions()
        self.state.member_roles.append((int(info["user_id"]), int(info["role_id"])))
        return no_content()


def _reaction_key(request: web.Request) -> tuple[int, int, str]:
    info = request.match_info
    return int(info["channel_id"]), int(info["message_id"]), info["emoji"]
