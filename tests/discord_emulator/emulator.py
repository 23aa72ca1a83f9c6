"""The test-facing side: start the emulator, act as members, read what the bot sent."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.discord_emulator import interactions, payloads
from tests.discord_emulator.gateway import Gateway, strip_content
from tests.discord_emulator.rest import RestApi
from tests.discord_emulator.state import EmulatorState, Guild, InteractionRecord, Json

DEFAULT_WAIT_S = 30.0  # a bound on waiting for the bot, so a broken bot fails, not hangs


class DiscordEmulator:
    def __init__(self, token: str = "emulated-bot-token") -> None:
        self.token = token
        self.state = EmulatorState()
        self.gateway = Gateway(self.state, token)
        self.rest = RestApi(self.state, self.gateway, token)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self.rest.middleware])
        app.add_routes([web.get("/gateway", self.gateway.handle), *self.rest.routes()])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.gateway.url = self.gateway_url

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"{self.base_url.replace('http', 'ws', 1)}/gateway"

    # -- the server -----------------------------------------------------------------------------

    @property
    def guild_id(self) -> int:
        return self.state.guild_id

    @property
    def lesson_channel_id(self) -> int:
        return self.state.channel_ids[0]

    @property
    def other_channel_id(self) -> int:
        return self.state.channel_ids[1]

    async def add_guild(self, *, shard: int | None = None, shard_count: int = 2) -> Guild:
        """Another server with the bot in it: its own channels, bot role and members. Its id
        puts it on `shard` of `shard_count` (default: the other shard than the default
        guild's); a connected shard that owns it gets its GUILD_CREATE, as on a join."""
        if shard is None:
            shard = ((self.guild_id >> 22) + 1) % shard_count
        guild_id = self.state.ids.next()
        while (guild_id >> 22) % shard_count != shard:
            guild_id += 1 << 22  # the shard is in the id's timestamp bits, above bit 22
        guild = self.state.new_guild(guild_id)
        await self.gateway.dispatch_guild_create(guild)
        return guild

    def add_member(self, name: str, guild: Guild | None = None) -> Json:
        """A new user, a member of `guild` (default: the default guild)."""
        user = payloads.user(self.state.ids.next(), name)
        self.state.users[int(user["id"])] = user
        (guild or self.state.guild).member_ids.add(int(user["id"]))
        return user

    def remove_member(self, user: Json) -> None:
        """The member leaves the server: options naming them resolve to a user only."""
        self.state.departed.add(int(user["id"]))

    async def add_role(
        self,
        name: str,
        permissions: str = "0",
        *,
        position: int | None = None,
        managed_by: Json | None = None,
        guild: Guild | None = None,
    ) -> int:
        """A guild role; announced with GUILD_ROLE_CREATE when the bot is already connected.
        `managed_by` (a bot user) makes it the managed role of another bot's integration."""
        guild = guild or self.state.guild
        role_id = self.state.ids.next()
        role = payloads.role(
            role_id,
            name,
            permissions,
            len(guild.roles) + 1 if position is None else position,
            bot_id=None if managed_by is None else managed_by["id"],
        )
        guild.roles.append(role)
        await self.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role})
        return role_id

    def role(self, role_id: int, guild: Guild | None = None) -> Json:
        """A role as an option value: `slash(..., role=emulator.role(role_id))`; the guild's
        id is @everyone."""
        guild = guild or self.state.guild
        if role_id == guild.id:
            return self.state.everyone_role(guild)
        if role_id == int(guild.bot_role["id"]):
            return guild.bot_role
        return next(r for r in guild.roles if int(r["id"]) == role_id)

    @property
    def bot_role_id(self) -> int:
        return int(self.state.bot_role["id"])

    async def change_bot_role(
        self,
        *,
        position: int | None = None,
        permissions: int | None = None,
        guild: Guild | None = None,
    ) -> None:
        """A server admin moves the bot's role or changes what it may do. `permissions` are
        also what @everyone keeps, so that the bot has exactly them."""
        guild = guild or self.state.guild
        role = guild.bot_role
        if position is not None:
            role["position"] = position
        if permissions is not None:
            role["permissions"] = guild.everyone_permissions = str(permissions)
            await self.gateway.dispatch(
                "GUILD_ROLE_UPDATE",
                {"guild_id": str(guild.id), "role": self.state.everyone_role(guild)},
            )
        await self.gateway.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role})

    def channel(self, channel_id: int) -> Json:
        """A channel of any guild as an option value."""
        return self.state.text_channel(channel_id)

    async def create_thread(self, creator: Json, parent_id: int, name: str) -> int:
        """A member starts a public thread in a channel; messages can then go to its id."""
        thread_id = self.state.ids.next()
        self.state.threads[thread_id] = parent_id
        guild = self.state.guild_of_channel(parent_id) or self.state.guild
        payload = payloads.thread(thread_id, parent_id, guild.id, creator["id"], name)
        await self.gateway.dispatch("THREAD_CREATE", payload)
        return thread_id

    async def deny_bot(self, channel_id: int, permissions: int) -> None:
        """A moderator denies the bot `permissions` (bits) in a channel, as an overwrite."""
        self.state.bot_denied[channel_id] = permissions
        await self.gateway.dispatch("CHANNEL_UPDATE", self.state.text_channel(channel_id))

    async def wait_until_connected(self, timeout: float = DEFAULT_WAIT_S) -> None:
        await self.state.wait_until(lambda: self.gateway.connected, timeout)

    # -- acting as members ----------------------------------------------------------------------

    async def send_message(
        self,
        author: Json,
        content: str,
        channel_id: int | None = None,
        guild: Guild | None = None,
    ) -> Json:
        """A message in a guild channel: `channel_id`, or `guild`'s (default: the default
        guild's) lesson channel."""
        channel_id = channel_id or (guild or self.state.guild).lesson_channel_id
        in_guild = self.state.guild_of_channel(channel_id) or self.state.guild
        message = payloads.message(
            self.state.ids.next(), channel_id, author, content, guild_id=in_guild.id
        )
        message["member"] = _partial_member()
        self.state.messages[int(message["id"])] = message
        await self.gateway.dispatch("MESSAGE_CREATE", self._as_delivered(message))
        return message

    async def send_dm(self, author: Json, content: str) -> Json:
        """A direct message to the bot (no guild; DMs carry content even without the intent)."""
        channel_id = self.state.dm_channel(int(author["id"]))
        message = payloads.message(self.state.ids.next(), channel_id, author, content)
        self.state.messages[int(message["id"])] = message
        await self.gateway.dispatch("MESSAGE_CREATE", message)
        return message

    async def edit_message(self, message: Json, content: str) -> Json:
        stored = self.state.messages[int(message["id"])]
        stored["content"] = content
        stored["edited_timestamp"] = payloads.now()
        await self.gateway.dispatch("MESSAGE_UPDATE", self._as_delivered(stored))
        return stored

    async def delete_message(self, message: Json) -> None:
        """The author (or a moderator) deletes a message."""
        self.state.messages.pop(int(message["id"]), None)
        event = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
        await self.gateway.dispatch("MESSAGE_DELETE", event)

    async def slash(
        self,
        author: Json,
        path: str,
        *,
        channel_id: int | None = None,
        permissions: str | None = None,
        roles: list[int] | None = None,
        dm: bool = False,
        guild: Guild | None = None,
        **options: Any,
    ) -> InteractionRecord:
        """`permissions` (a bit string) and `roles` are the invoking member's in this channel;
        `guild` (default: the default guild) is where, in its lesson channel unless
        `channel_id`; `dm` uses the command in the member's DM with the bot instead."""
        guild = guild or self.state.guild_of_channel(channel_id or 0) or self.state.guild
        data = interactions.command_data(self.state, path, options, dm=dm, guild=guild)
        if dm:
            channel_id = self.state.dm_channel(int(author["id"]))
        channel_id = channel_id or guild.lesson_channel_id
        return await self._interact(
            interactions.APPLICATION_COMMAND,
            author,
            data,
            channel_id,
            permissions=permissions,
            roles=roles,
        )

    async def autocomplete(
        self,
        author: Json,
        path: str,
        option: str,
        typed: str,
        *,
        guild: Guild | None = None,
        **options: Any,
    ) -> InteractionRecord:
        guild = guild or self.state.guild
        data = interactions.command_data(self.state, path, {**options, option: typed}, guild=guild)
        focused = interactions.focus(data, option)
        return await self._interact(
            interactions.AUTOCOMPLETE, author, focused, guild.lesson_channel_id
        )

    async def click(self, author: Json, message: Json, custom_id: str) -> InteractionRecord:
        """Press the button with `custom_id` on one of the bot's messages."""
        buttons = [c for row in message.get("components", []) for c in row.get("components", [])]
        if custom_id not in [b.get("custom_id") for b in buttons]:
            raise LookupError(f"no button {custom_id!r} on that message")
        data = {"custom_id": custom_id, "component_type": 2}
        channel_id = int(message["channel_id"])
        return await self._interact(
            interactions.COMPONENT, author, data, channel_id, message=message
        )

    async def submit_modal(
        self, author: Json, opened_by: InteractionRecord, values: dict[str, str]
    ) -> InteractionRecord:
        modal = opened_by.modal
        if modal is None:
            raise LookupError("that interaction was not answered with a modal")
        data = interactions.modal_submission(modal, values)
        channel_id = int(opened_by.payload["channel_id"])
        return await self._interact(interactions.MODAL_SUBMIT, author, data, channel_id)

    # -- reading what the bot did ---------------------------------------------------------------

    def replies_to(self, message: Json) -> list[Json]:
        return [
            m
            for m in self.state.messages.values()
            if (m.get("message_reference") or {}).get("message_id") == message["id"]
        ]

    async def wait_for_reply(
        self, message: Json, done: Any = None, timeout: float = DEFAULT_WAIT_S
    ) -> Json:
        """The bot's reply to `message`, once `done(reply)` holds (default: it has embeds)."""
        done = done or (lambda reply: bool(reply["embeds"]))

        def probe() -> Json | None:
            return next((r for r in self.replies_to(message) if done(r)), None)

        return await self.state.wait_until(probe, timeout)

    async def wait_for_response(
        self, record: InteractionRecord, done: Any = None, timeout: float = DEFAULT_WAIT_S
    ) -> Json:
        """The interaction's response message, once `done(message)` holds (default: it is no
        longer "thinking")."""
        done = done or (lambda m: not int(m.get("flags", 0)) & (1 << 7))

        def probe() -> Json | None:
            original = record.original
            return original if original is not None and done(original) else None

        return await self.state.wait_until(probe, timeout)

    async def wait_for_callback(
        self, record: InteractionRecord, timeout: float = DEFAULT_WAIT_S
    ) -> Json:
        return await self.state.wait_until(
            lambda: record.callbacks[0] if record.callbacks else None, timeout
        )

    def dms_to(self, user: Json) -> list[Json]:
        """What the bot sent `user` in direct messages."""
        channel_id = self.state.dm_channels.get(int(user["id"]))
        return [
            m
            for m in self.state.messages.values()
            if int(m["channel_id"]) == channel_id and m["author"]["id"] == self.state.bot_user["id"]
        ]

    def reactions_on(self, message: Json) -> list[str]:
        return [emoji for _, mid, emoji in self.state.reactions if mid == int(message["id"])]

    async def wait_for_reactions(
        self, message: Json, expected: list[str], timeout: float = DEFAULT_WAIT_S
    ) -> list[str]:
        """The bot's reactions on `message`, once they are exactly `expected`."""

        def probe() -> list[str] | None:
            now = self.reactions_on(message)
            return now if now == expected else None

        return await self.state.wait_until(probe, timeout)

    def sent_bodies(self) -> list[Json]:
        return [entry["body"] for entry in self.state.sent]

    # -- internals --------------------------------------------------------------------------------

    async def _interact(
        self,
        kind: int,
        author: Json,
        data: Json,
        channel_id: int | None,
        *,
        message: Json | None = None,
        permissions: str | None = None,
        roles: list[int] | None = None,
    ) -> InteractionRecord:
        payload = interactions.base(
            self.state,
            kind,
            author,
            channel_id or self.lesson_channel_id,
            data,
            permissions=permissions,
            roles=roles,
        )
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(int(payload["id"]), payload["token"], payload)
        self.state.interactions[record.id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    def _as_delivered(self, message: Json) -> Json:
        if self.state.message_content_allowed:
            return message
        return strip_content(message, self.state.bot_user["id"])


def _partial_member() -> Json:
    return {"roles": [], "joined_at": payloads.now(), "deaf": False, "mute": False, "flags": 0}
