"""The bot: takes its dependencies in the constructor, loads the cogs in `setup_hook`.

Lifecycle as in discord.py's examples/advanced_startup.py: whoever builds the bot owns the
store and the sandbox pool (see `bot.discord_app.runtime`); the bot only uses them.
"""

from __future__ import annotations

import asyncio
import logging
import pkgutil
import secrets
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord.ext import commands

import cogs
from bot.discord_app.buttons import DYNAMIC_ITEMS
from bot.discord_app.client import ButtonAction, PressHandler
from bot.discord_app.events import VerdictDecorator
from bot.discord_app.tree import TutorTree
from bot.settings import Settings
from bot.shards import describe_shards

if TYPE_CHECKING:
    from bot.core import TutorCore
    from bot.plots import Plotter

log = logging.getLogger(__name__)

# On shutdown, gradings already running get this long to post their verdict.
SHUTDOWN_GRACE_S = 10.0

T = TypeVar("T")

# The tutor never joins voice: skip discord.py's start-up warnings about voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def cog_extensions() -> list[str]:
    """Every module in the `cogs` package: adding a cog is adding a file."""
    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )


def tutor_intents() -> discord.Intents:
    intents = discord.Intents.default()
    # Privileged: fenced code posted in a channel can only be read with it (and the
    # "Message Content Intent" switch on the Developer Portal's Bot page).
    intents.message_content = True
    return intents


class TutorBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        core: TutorCore | None,
        plotter: Plotter | None = None,
        intents: discord.Intents | None = None,
        sync_dev_guild: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents or tutor_intents(),
            tree_cls=TutorTree,
            # Learner output is echoed back: it must never ping @everyone, a role or a member.
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self._core = core
        self._plotter = plotter
        self._sync_dev_guild = sync_dev_guild
        self._gradings: set[asyncio.Task[Any]] = set()
        # Stamped on in-memory prompts' buttons, so presses from before a restart are known.
        self.session = secrets.token_hex(4)
        # Cogs may add pictures to verdicts (see bot.discord_app.events).
        self.verdict_decorators: list[VerdictDecorator] = []
        # The features owning the lesson and verdict buttons register here (buttons.py).
        self.button_actions: dict[ButtonAction, PressHandler] = {}

    @property
    def core(self) -> TutorCore:
        if self._core is None:
            raise RuntimeError("this bot was built without a tutor core (command sync only)")
        return self._core

    @property
    def plotter(self) -> Plotter:
        """The one Plotter of this process, which runtime.open_tutor_bot owns and closes."""
        if self._plotter is None:
            raise RuntimeError("this bot was built without a plotter (command sync only)")
        return self._plotter

    @property
    def holds_shard_zero(self) -> bool:
        """Shard 0's process is the one that registers commands at start (one writer)."""
        return True

    def shards_text(self) -> str:
        return describe_shards(self.settings)

    async def setup_hook(self) -> None:
        for extension in cog_extensions():
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        guild_id = self.settings.dev_guild_id
        if guild_id is not None and self._sync_dev_guild and self.holds_shard_zero:
            # A guild sync is instant; global sync is only done on request (`python -m bot sync`).
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development guild %s", len(synced), guild_id)

    async def on_message(self, message: discord.Message, /) -> None:
        # No text commands: without this, "@Gradient Tutor help" would be looked up as a
        # prefix command and logged as an error. Cogs' listeners still see every message.
        return

    async def on_ready(self) -> None:
        log.info(
            "connected as %s to %d guild(s), holding %s",
            self.user,
            len(self.guilds),
            self.shards_text(),
        )

    async def tracked(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a submission (grading and its reply) so that shutdown waits for it to finish."""
        task = asyncio.ensure_future(work)
        self._gradings.add(task)
        task.add_done_callback(self._gradings.discard)
        return await task

    async def close(self) -> None:
        if self._core is not None:
            self._core.stop_admitting()  # running gradings finish, no new ones start
        if self._gradings:
            log.info("waiting for %d running grading(s) to finish", len(self._gradings))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + SHUTDOWN_GRACE_S
            # Submissions arriving meanwhile are turned away, which also takes a moment.
            while self._gradings and (left := deadline - loop.time()) > 0:
                await asyncio.wait(set(self._gradings), timeout=left)
            for task in list(self._gradings):
                task.cancel()
        await super().close()


class ShardedTutorBot(TutorBot, commands.AutoShardedBot):
    """The bot holding some of Discord's shards (SHARD_IDS of SHARD_COUNT); other processes,
    on this machine or others, hold the rest and share the database."""

    def __init__(self, *, settings: Settings, **options: Any) -> None:
        if settings.shard_count is None:
            raise ValueError("a sharded bot needs SHARD_COUNT")
        ids = list(settings.shard_ids or range(settings.shard_count))
        super().__init__(
            settings=settings, shard_count=settings.shard_count, shard_ids=ids, **options
        )

    @property
    def holds_shard_zero(self) -> bool:
        return 0 in (self.shard_ids or [])

    def shards_text(self) -> str:
        return describe_shards(self.settings)


def bot_class(settings: Settings) -> type[TutorBot]:
    return ShardedTutorBot if settings.shard_count is not None else TutorBot
