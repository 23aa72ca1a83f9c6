"""What the emulated Discord knows: one application, its guilds (one by default, more with
`add_guild`), users, messages, commands.

Payloads are plain dicts shaped like Discord's API v10, with only the fields discord.py 2.7
reads (see `payloads.py`). Every change wakes `changed`, so tests can wait for what the bot
sends without sleeping.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tests.discord_emulator import payloads

Json = dict[str, Any]

MESSAGE_CONTENT_INTENT = 1 << 15
ADD_REACTIONS, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES = 1 << 6, 1 << 11, 1 << 14, 1 << 15
MANAGE_ROLES = 1 << 28
BOT_ROLE_POSITION = 50  # above the roles tests add, as after a server admin sorted roles

T = TypeVar("T")


class Snowflakes:
    """Increasing ids, like Discord's, so ordering by id is ordering by time."""

    def __init__(self, start: int = 1_100_000_000_000_000_000) -> None:
        self._counter = itertools.count(start)

    def next(self) -> int:
        return next(self._counter)


@dataclass
class InteractionRecord:
    """One interaction sent to the bot and everything the bot answered to it."""

    id: int
    token: str
    payload: Json
    callbacks: list[Json] = field(default_factory=list)  # bodies POSTed to /callback
    original: Json | None = None  # the response message, once there is one
    followups: list[Json] = field(default_factory=list)

    @property
    def callback_types(self) -> list[int]:
        return [c["type"] for c in self.callbacks]

    @property
    def modal(self) -> Json | None:
        """The modal the bot opened in answer, if it did (callback type 9)."""
        return next((c["data"] for c in self.callbacks if c["type"] == 9), None)

    @property
    def autocomplete_choices(self) -> list[Json] | None:
        return next((c["data"]["choices"] for c in self.callbacks if c["type"] == 8), None)


@dataclass
class Guild:
    """One server the bot is in: its channels ("lessons", "general"), roles and members."""

    id: int
    channel_ids: list[int]
    bot_role: Json  # the managed role Discord created when the bot joined: its top role
    channel_names: list[str] = field(default_factory=lambda: ["lessons", "general"])
    roles: list[Json] = field(default_factory=list)  # besides @everyone and the bot's role
    everyone_permissions: str = payloads.EVERYONE_PERMISSIONS
    member_ids: set[int] = field(default_factory=set)  # who joined it (the owner is in all)

    @property
    def lesson_channel_id(self) -> int:
        return self.channel_ids[0]

    @property
    def other_channel_id(self) -> int:
        return self.channel_ids[1]


class EmulatorState:
    def __init__(self) -> None:
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.bot_user = payloads.user(self.application_id, "Gradient Tutor", bot=True)
        self.owner = payloads.user(self.ids.next(), "server-owner")
        self.users: dict[int, Json] = {self.owner_id: self.owner}
        self.guilds: list[Guild] = []  # the first is the default guild
        self.guild = self.new_guild(self.ids.next())
        self.dm_channels: dict[int, int] = {}  # user id -> their DM channel with the bot
        self.bot_denied: dict[int, int] = {}  # channel -> permissions a moderator denied the bot
        self.dms_closed: set[int] = set()  # users who accept no DMs from the bot
        self.threads: dict[int, int] = {}  # thread -> the channel it belongs to
        self.departed: set[int] = set()  # users who left the server (still users, not members)
        self.messages: dict[int, Json] = {}
        # Every request body the bot sent to create or edit a message, in order.
        self.sent: list[Json] = []
        self.reactions: list[tuple[int, int, str]] = []  # (channel, message, emoji)
        self.member_roles: list[tuple[int, int]] = []  # (user, role) the bot gave
        self.global_commands: list[Json] = []
        self.guild_commands: dict[int, list[Json]] = {}
        self.command_puts: list[str] = []  # "global" or "guild:<id>", one per bulk overwrite
        self.interactions: dict[int, InteractionRecord] = {}
        self.unhandled_routes: list[str] = []
        self.rejected: list[str] = []  # requests refused for breaking Discord's limits
        self.identified_intents: int | None = None
        self.changed = asyncio.Condition()

    def new_guild(self, guild_id: int) -> Guild:
        channel_ids = [self.ids.next(), self.ids.next()]
        bot_role = payloads.role(
            self.ids.next(),
            "Gradient Tutor",
            payloads.EVERYONE_PERMISSIONS,
            BOT_ROLE_POSITION,
            bot_id=self.bot_user["id"],
        )
        guild = Guild(guild_id, channel_ids, bot_role, member_ids={self.owner_id})
        self.guilds.append(guild)
        return guild

    # The default guild's fields, as the single-guild emulator named them.

    @property
    def guild_id(self) -> int:
        return self.guild.id

    @property
    def channel_ids(self) -> list[int]:
        return self.guild.channel_ids

    @property
    def roles(self) -> list[Json]:
        return self.guild.roles

    @property
    def bot_role(self) -> Json:
        return self.guild.bot_role

    @property
    def everyone_permissions(self) -> str:
        return self.guild.everyone_permissions

    @everyone_permissions.setter
    def everyone_permissions(self, value: str) -> None:
        self.guild.everyone_permissions = value

    def guild_by_id(self, guild_id: int) -> Guild:
        return next(g for g in self.guilds if g.id == guild_id)

    def guild_of_channel(self, channel_id: int) -> Guild | None:
        """The guild a channel or thread is in; None for a DM."""
        channel_id = self.threads.get(channel_id, channel_id)
        return next((g for g in self.guilds if channel_id in g.channel_ids), None)

    def is_member(self, guild: Guild, user_id: int) -> bool:
        """Members the tests added to the default guild without naming one are in it."""
        if user_id in self.departed or user_id not in self.users:
            return False
        if user_id in guild.member_ids:
            return True
        return guild is self.guild and not any(user_id in g.member_ids for g in self.guilds)

    @property
    def owner_id(self) -> int:
        return int(self.owner["id"])

    @property
    def message_content_allowed(self) -> bool:
        return self.identified_intents is not None and bool(
            self.identified_intents & MESSAGE_CONTENT_INTENT
        )

    def text_channel(self, channel_id: int) -> Json:
        guild = self.guild_of_channel(channel_id)
        if guild is None:
            raise KeyError(f"no guild has channel {channel_id}")
        position = guild.channel_ids.index(channel_id)
        denied = self.bot_denied.get(channel_id)
        overwrites = [payloads.member_overwrite(self.bot_user["id"], denied)] if denied else []
        name = guild.channel_names[position]
        return payloads.text_channel(channel_id, name, guild.id, position, overwrites)

    def guild_payload(self, guild: Guild | None = None) -> Json:
        guild = guild or self.guild
        channels = [self.text_channel(channel_id) for channel_id in guild.channel_ids]
        return payloads.guild(
            guild.id,
            owner_id=self.owner_id,
            channels=channels,
            members=[
                payloads.member(self.bot_user, roles=[int(guild.bot_role["id"])]),
                payloads.member(self.owner),
            ],
            roles=[guild.bot_role, *guild.roles],
            everyone_permissions=guild.everyone_permissions,
        )

    def everyone_role(self, guild: Guild | None = None) -> Json:
        guild = guild or self.guild
        return payloads.role(guild.id, "@everyone", guild.everyone_permissions, 0)

    def bot_permissions(self, guild: Guild | None = None) -> int:
        """The bot's server-wide permissions: @everyone's and its own role's."""
        guild = guild or self.guild
        return int(guild.everyone_permissions) | int(guild.bot_role["permissions"])

    def bot_outranks(self, role_id: int, guild: Guild | None = None) -> bool:
        """Whether the bot's top role sits above `role_id`, as Discord requires to give it."""
        guild = guild or self.guild
        role = next((r for r in guild.roles if int(r["id"]) == role_id), None)
        return role is not None and role["position"] < guild.bot_role["position"]

    def dm_channel(self, user_id: int) -> int:
        return self.dm_channels.setdefault(user_id, self.ids.next())

    def dm_recipient(self, channel_id: int) -> int | None:
        return next((u for u, c in self.dm_channels.items() if c == channel_id), None)

    def refuse(self, problems: list[str]) -> bool:
        """Record limit violations; True when there were any (the request gets a 400)."""
        self.rejected += problems
        return bool(problems)

    def interaction_by_token(self, token: str) -> InteractionRecord:
        for record in self.interactions.values():
            if record.token == token:
                return record
        raise KeyError(token)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_until(self, probe: Callable[[], T | None], timeout: float) -> T:
        """Wait until `probe()` returns something other than None/False; return it."""

        async def poll() -> T:
            async with self.changed:
                while not (result := probe()):
                    await self.changed.wait()
                return result

        return await asyncio.wait_for(poll(), timeout)
