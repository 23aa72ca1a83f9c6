"""REST routes under /api/v10: the calls discord.py makes for what the bot does.

Responses carry `Content-Type: application/json` exactly: discord.py parses a body as JSON
only then (aiohttp's json_response would add "; charset=utf-8").
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from tests.discord_emulator import payloads
from tests.discord_emulator.gateway import Gateway
from tests.discord_emulator.state import EmulatorState, InteractionRecord, Json

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
EPHEMERAL, LOADING = 1 << 6, 1 << 7
EMPTY: dict[str, Any] = {"content": "", "embeds": [], "components": [], "flags": 0}
MESSAGE_FIELDS = tuple(EMPTY)


def ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def no_content() -> web.Response:
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Json, list[Json]]:
    """The JSON payload and any uploaded files (multipart with payload_json, like discord.py)."""
    if not request.can_read_body:
        return {}, []
    if not request.content_type.startswith("multipart/"):
        return await request.json(), []
    body: Json = {}
    files: list[Json] = []
    reader = await request.multipart()
    async for part in reader:
        if not hasattr(part, "read"):
            continue
        data = await part.read()  # type: ignore[union-attr]
        if part.name == "payload_json":
            body = json.loads(data)
        else:
            files.append({"filename": part.filename, "data": bytes(data)})
    return body, files


class RestApi:
    def __init__(self, state: EmulatorState, gateway: Gateway, token: str) -> None:
        self.state = state
        self.gateway = gateway
        self.token = token

    def routes(self) -> list[web.RouteDef]:
        app = "/applications/{app_id}"
        hook = "/webhooks/{app_id}/{token}"
        msg = "/channels/{channel_id}/messages/{message_id}"
        routes = [
            web.get("/users/@me", self.get_me),
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
            web.post("/interactions/{interaction_id}/{token}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(hook + "/messages/{message_id}", self.get_webhook_message),
            web.patch(hook + "/messages/{message_id}", self.edit_webhook_message),
            web.delete(hook + "/messages/{message_id}", self.delete_webhook_message),
        ]
        return [web.route(r.method, API_PREFIX + r.path, r.handler) for r in routes]

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Bot-token auth where Discord wants it, and a record of calls we do not emulate."""
        if not request.path.startswith(API_PREFIX):
            return await handler(request)  # the gateway
        open_paths = (API_PREFIX + "/interactions", API_PREFIX + "/webhooks")
        needs_auth = not request.path.startswith(open_paths)
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return ok({"message": "401: Unauthorized", "code": 0}, status=401)
        if request.match_info.http_exception is not None:
            self.state.unhandled_routes.append(f"{request.method} {request.path}")
            log.warning("emulator: unhandled %s %s", request.method, request.path)
            return ok({"message": "404: Not Found", "code": 0}, status=404)
        response: web.StreamResponse = await handler(request)
        await self.state.notify()
        return response

    # -- identity and commands --------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        return ok(self.state.bot_user)

    async def get_application(self, request: web.Request) -> web.Response:
        return ok(payloads.application(self.state.application_id, self.state.owner))

    async def put_commands(self, request: web.Request) -> web.Response:
        body: list[Json] = await request.json()
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

    # -- channel messages -------------------------------------------------------------------

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        body, files = await read_body(request)
        reference = body.get("message_reference") or {}
        message = self._bot_message(
            channel_id, body, files, reference=_opt_int(reference.get("message_id"))
        )
        self.state.sent.append({"kind": "create", "message_id": message["id"], "body": body})
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return ok(message)

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.state.messages.get(int(request.match_info["message_id"]))
        if message is None:
            return ok({"message": "Unknown Message", "code": 10008}, status=404)
        return ok(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.state.messages.get(int(request.match_info["message_id"]))
        if message is None:
            return ok({"message": "Unknown Message", "code": 10008}, status=404)
        body, files = await read_body(request)
        self._apply_edit(message, body, files)
        self.state.sent.append({"kind": "edit", "message_id": message["id"], "body": body})
        await self.gateway.dispatch("MESSAGE_UPDATE", message)
        return ok(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        self.state.messages.pop(int(request.match_info["message_id"]), None)
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        key = self._reaction_key(request)
        if key not in self.state.reactions:
            self.state.reactions.append(key)
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        key = self._reaction_key(request)
        if key in self.state.reactions:
            self.state.reactions.remove(key)
        return no_content()

    # -- interactions -------------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        record = self.state.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return ok({"message": "Unknown interaction", "code": 10062}, status=404)
        if record.callbacks:
            return ok({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        body, files = await read_body(request)
        record.callbacks.append(body)
        kind, data = body["type"], body.get("data") or {}
        message: Json | None = None
        if kind in (4, 5):  # a message, or "thinking..." to be edited later
            flags = int(data.get("flags", 0)) | (LOADING if kind == 5 else 0)
            message = self._response_message(record, {**data, "flags": flags}, files)
            record.original = message
        elif kind == 7:  # a component's interaction edits the message the button is on
            message = self.state.messages[int(record.payload["message"]["id"])]
            self._apply_edit(message, data, files)
            await self.gateway.dispatch("MESSAGE_UPDATE", message)
        if kind in (4, 7):
            self.state.sent.append({"kind": "interaction", "message_id": None, "body": data})
        answer: Json = {
            "interaction": {
                "id": str(record.id),
                "type": record.payload["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags", 0)) & EPHEMERAL),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"]["message"] = message
        return ok(answer)

    async def followup(self, request: web.Request) -> web.Response:
        record = self.state.interaction_by_token(request.match_info["token"])
        body, files = await read_body(request)
        message = self._response_message(record, body, files)
        record.followups.append(message)
        self.state.sent.append({"kind": "followup", "message_id": message["id"], "body": body})
        return ok(message)

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_target(request)
        if message is None:
            return ok({"message": "Unknown Message", "code": 10008}, status=404)
        return ok(message)

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_target(request)
        if message is None:
            return ok({"message": "Unknown Message", "code": 10008}, status=404)
        body, files = await read_body(request)
        message["flags"] = int(message.get("flags", 0)) & ~LOADING
        self._apply_edit(message, body, files)
        self.state.sent.append({"kind": "edit", "message_id": message["id"], "body": body})
        return ok(message)

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_target(request)
        if message is not None:
            self.state.messages.pop(int(message["id"]), None)
        return no_content()

    # -- helpers ------------------------------------------------------------------------------

    def _webhook_target(self, request: web.Request) -> Json | None:
        record = self.state.interaction_by_token(request.match_info["token"])
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            return record.original
        return self.state.messages.get(int(message_id))

    def _bot_message(
        self, channel_id: int, body: Json, files: list[Json], *, reference: int | None = None
    ) -> Json:
        message = payloads.message(
            self.state.ids.next(),
            channel_id,
            self.state.bot_user,
            body.get("content") or "",
            guild_id=self.state.guild_id if channel_id in self.state.channel_ids else None,
            embeds=body.get("embeds"),
            components=body.get("components"),
            reference=reference,
            flags=int(body.get("flags") or 0),
        )
        message["attachments"] = [self._attachment(f) for f in files]
        message["allowed_mentions"] = body.get("allowed_mentions")
        self.state.messages[int(message["id"])] = message
        return message

    def _response_message(self, record: InteractionRecord, body: Json, files: list[Json]) -> Json:
        channel_id = int(record.payload["channel_id"])
        message = self._bot_message(channel_id, body, files)
        message["interaction_metadata"] = {
            "id": str(record.id),
            "type": record.payload["type"],
            "user": _invoker(record.payload),
            "authorizing_integration_owners": {},
        }
        return message

    def _apply_edit(self, message: Json, body: Json, files: list[Json]) -> None:
        for key in MESSAGE_FIELDS:
            if key in body:  # present but null clears the field, as on Discord
                message[key] = body[key] if body[key] is not None else EMPTY[key]
        if files or "attachments" in body:
            message["attachments"] = [self._attachment(f) for f in files]
        if "allowed_mentions" in body:
            message["allowed_mentions"] = body["allowed_mentions"]
        message["edited_timestamp"] = payloads.now()

    def _attachment(self, file: Json) -> Json:
        attachment_id = self.state.ids.next()
        url = f"https://cdn.emulator.invalid/attachments/{attachment_id}/{file['filename']}"
        return {
            "id": str(attachment_id),
            "filename": file["filename"],
            "size": len(file["data"]),
            "url": url,
            "proxy_url": url,
            "data": file["data"].hex(),  # not Discord's: lets tests inspect what was uploaded
        }

    def _reaction_key(self, request: web.Request) -> tuple[int, int, str]:
        return (
            int(request.match_info["channel_id"]),
            int(request.match_info["message_id"]),
            request.match_info["emoji"],
        )


def _invoker(interaction: Json) -> Json:
    member = interaction.get("member")
    user: Json = member["user"] if member else interaction["user"]
    return user


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)
