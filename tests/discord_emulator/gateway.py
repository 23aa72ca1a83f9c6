"""The gateway websocket: JSON text frames, no compression (discord.py accepts both).

The exchange is the minimum discord.py needs: HELLO (op 10), IDENTIFY (op 2) answered by
READY and GUILD_CREATE, heartbeats (op 1) answered by acks (op 11), then dispatches (op 0).

Shards as Discord routes them: a connection identifies as shard [id, count]; a guild's
READY entry, GUILD_CREATE and events go to the shard `(guild_id >> 22) % count` only, and
direct messages to shard 0.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord_emulator import payloads
from tests.discord_emulator.state import MESSAGE_CONTENT_INTENT, EmulatorState, Guild

log = logging.getLogger(__name__)

HELLO, IDENTIFY, HEARTBEAT, HEARTBEAT_ACK, DISPATCH, RESUME = 10, 2, 1, 11, 0, 6
REQUEST_GUILD_MEMBERS = 8
AUTHENTICATION_FAILED = 4004
DISALLOWED_INTENTS = 4014


class Gateway:
    def __init__(self, state: EmulatorState, token: str) -> None:
        self.state = state
        self.token = token
        # What the Developer Portal switch says; off means asking for the intent is refused.
        self.message_content_enabled = True
        # Much shorter than Discord's ~41 s, so a test sees beats arrive while code runs.
        self.heartbeat_interval_ms = 250
        self.heartbeats = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._shard_of: dict[web.WebSocketResponse, tuple[int, int]] = {}  # ws -> (id, count)
        self.identified_shards: list[tuple[int, int]] = []  # every IDENTIFY, in order
        self._sequence = 0
        self.url = ""  # set once the server listens; READY hands it back as the resume URL

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(ws, json.loads(frame.data))
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
            self._shard_of.pop(ws, None)
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        if op == HEARTBEAT:
            self.heartbeats += 1
            await self._send(ws, {"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(ws, frame["d"])
        elif op == RESUME:
            session = str(frame["d"].get("session_id", ""))
            shard_id, _, count = session.removeprefix("emulated-session-").partition("-of-")
            if shard_id.isdigit() and count.isdigit():
                self._shard_of[ws] = (int(shard_id), int(count))
            self._sockets.append(ws)
            await self._dispatch_to(ws, "RESUMED", {})
        elif op == REQUEST_GUILD_MEMBERS:
            await self._members_chunk(ws, frame["d"])

    async def _members_chunk(self, ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        """Members by id, as Discord answers without the members intent: only ids, and only
        members of that server (still in it)."""
        wanted = [int(i) for i in request.get("user_ids") or []]
        guild = self.state.guild_by_id(int(request["guild_id"]))
        members = [
            payloads.member(self.state.users[user_id])
            for user_id in wanted
            if self.state.is_member(guild, user_id)
        ]
        chunk = {
            "guild_id": request["guild_id"],
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(i) for i in wanted if i not in self.state.users],
        }
        if "nonce" in request:
            chunk["nonce"] = request["nonce"]
        await self._dispatch_to(ws, "GUILD_MEMBERS_CHUNK", chunk)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & MESSAGE_CONTENT_INTENT and not self.message_content_enabled:
            await ws.close(code=DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        self.state.identified_intents = intents
        shard_id, count = (int(n) for n in data.get("shard") or (0, 1))
        self._shard_of[ws] = (shard_id, count)
        self.identified_shards.append((shard_id, count))
        self._sockets.append(ws)
        state = self.state
        owned = [guild for guild in state.guilds if self._serves(ws, guild.id)]
        ready = {
            "v": 10,
            "user": state.bot_user,
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in owned],
            "session_id": f"emulated-session-{shard_id}-of-{count}",
            "shard": [shard_id, count],
            "resume_gateway_url": self.url,
            "application": {"id": str(state.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
        }
        await self._dispatch_to(ws, "READY", ready)
        for guild in owned:
            await self._dispatch_to(ws, "GUILD_CREATE", state.guild_payload(guild))
        await state.notify()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to the connections of the shard it belongs to (normally exactly
        one: the bot): its guild's shard, or shard 0 for direct messages."""
        guild_id = data.get("guild_id")
        for ws in list(self._sockets):
            if self._serves(ws, int(guild_id) if guild_id is not None else None):
                await self._dispatch_to(ws, event, data)

    async def dispatch_guild_create(self, guild: Guild) -> None:
        """A guild the bot joined while connected: GUILD_CREATE to its shard only."""
        for ws in list(self._sockets):
            if self._serves(ws, guild.id):
                await self._dispatch_to(ws, "GUILD_CREATE", self.state.guild_payload(guild))

    def _serves(self, ws: web.WebSocketResponse, guild_id: int | None) -> bool:
        shard_id, count = self._shard_of.get(ws, (0, 1))
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)

    @property
    def connected(self) -> bool:
        return bool(self._sockets)

    def shards_connected(self) -> set[tuple[int, int]]:
        return {self._shard_of.get(ws, (0, 1)) for ws in self._sockets}

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    async def _dispatch_to(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._sequence += 1
        await self._send(ws, {"op": DISPATCH, "t": event, "s": self._sequence, "d": data})

    async def _send(self, ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(frame))


def strip_content(message: dict[str, Any], bot_user_id: str) -> dict[str, Any]:
    """What Discord sends a bot without the message-content intent: no content, embeds or
    attachments, unless the bot is mentioned (DMs are exempt too, but not emulated here)."""
    if any(m.get("id") == bot_user_id for m in message.get("mentions", [])):
        return message
    return {**message, "content": "", "embeds": [], "attachments": [], "components": []}
