"""Interaction callbacks and the interaction webhook: how a bot answers a slash command,
a button or a modal (no bot token needed; the interaction's token is in the URL)."""

from __future__ import annotations

from aiohttp import web

from tests.discord_emulator import messages
from tests.discord_emulator.bodies import (
    error,
    invalid_form_body,
    no_content,
    ok,
    read_body,
    unknown_message,
)
from tests.discord_emulator.gateway import Gateway
from tests.discord_emulator.state import EmulatorState, InteractionRecord, Json
from tests.discord_emulator.validation import message_problems, modal_problems

EPHEMERAL, LOADING = 1 << 6, 1 << 7
MESSAGE, DEFERRED, UPDATE_MESSAGE, MODAL = 4, 5, 7, 9


class InteractionApi:
    def __init__(self, state: EmulatorState, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    def routes(self) -> list[web.RouteDef]:
        hook = "/webhooks/{app_id}/{token}"
        return [
            web.post("/interactions/{interaction_id}/{token}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(hook + "/messages/{message_id}", self.get_message),
            web.patch(hook + "/messages/{message_id}", self.edit_message),
            web.delete(hook + "/messages/{message_id}", self.delete_message),
        ]

    async def callback(self, request: web.Request) -> web.Response:
        record = self.state.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return error(404, "Unknown interaction", 10062)
        if record.callbacks:
            return error(400, "Interaction has already been acknowledged.", 40060)
        body, files = await read_body(request)
        kind, data = body["type"], body.get("data") or {}
        check = modal_problems if kind == MODAL else message_problems
        if self.state.refuse(problems := check(data)):
            return invalid_form_body(problems)
        record.callbacks.append(body)
        message: Json | None = None
        if kind in (MESSAGE, DEFERRED):  # a message, or "thinking..." to be edited later
            flags = int(data.get("flags", 0)) | (LOADING if kind == DEFERRED else 0)
            message = self._response_message(record, {**data, "flags": flags}, files)
            record.original = message
        elif kind == UPDATE_MESSAGE:  # a button edits the message it is on
            message = self.state.messages[int(record.payload["message"]["id"])]
            messages.edit(self.state, message, data, files)
            await self.gateway.dispatch("MESSAGE_UPDATE", message)
        if kind in (MESSAGE, UPDATE_MESSAGE):
            self.state.sent.append({"kind": "interaction", "message_id": None, "body": data})
        return ok(_callback_answer(record, kind, data, message))

    async def followup(self, request: web.Request) -> web.Response:
        record = self.state.interaction_by_token(request.match_info["token"])
        body, files = await read_body(request)
        if self.state.refuse(problems := message_problems(body)):
            return invalid_form_body(problems)
        message = self._response_message(record, body, files)
        record.followups.append(message)
        self.state.sent.append({"kind": "followup", "message_id": message["id"], "body": body})
        return ok(message)

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._target(request)
        return unknown_message() if message is None else ok(message)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self._target(request)
        if message is None:
            return unknown_message()
        body, files = await read_body(request)
        if self.state.refuse(problems := message_problems(body)):
            return invalid_form_body(problems)
        message["flags"] = int(message.get("flags", 0)) & ~LOADING
        messages.edit(self.state, message, body, files)
        self.state.sent.append({"kind": "edit", "message_id": message["id"], "body": body})
        return ok(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._target(request)
        if message is not None:
            self.state.messages.pop(int(message["id"]), None)
        return no_content()

    def _target(self, request: web.Request) -> Json | None:
        record = self.state.interaction_by_token(request.match_info["token"])
        message_id = request.match_info["message_id"]
        if message_id == "@original":
            return record.original
        return self.state.messages.get(int(message_id))

    def _response_message(self, record: InteractionRecord, body: Json, files: list[Json]) -> Json:
        message = messages.create(self.state, int(record.payload["channel_id"]), body, files)
        member = record.payload.get("member")
        message["interaction_metadata"] = {
            "id": str(record.id),
            "type": record.payload["type"],
            "user": member["user"] if member else record.payload["user"],
            "authorizing_integration_owners": {},
        }
        return message


def _callback_answer(
    record: InteractionRecord, kind: int, data: Json, message: Json | None
) -> Json:
    """The body of `?with_response=1`, which discord.py 2.7 always asks for."""
    answer: Json = {
        "interaction": {
            "id": str(record.id),
            "type": record.payload["type"],
            "response_message_loading": kind == DEFERRED,
            "response_message_ephemeral": bool(int(data.get("flags", 0)) & EPHEMERAL),
        },
        "resource": {"type": kind},
    }
    if message is not None:
        answer["interaction"]["response_message_id"] = message["id"]
        answer["resource"]["message"] = message
    return answer
