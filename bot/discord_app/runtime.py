"""Owning the bot's resources: open them in order, close them in reverse, on any exit.

As in discord.py's examples/advanced_startup.py, `main` holds the store, the sandbox pool
(both through bot/opening.open_core) and the one Plotter with `async with` and hands them to
the bot; on SIGINT/SIGTERM the bot first lets running
gradings post their verdicts (see TutorBot.close), then the pool and the database close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any

import discord

from bot.discord_app.bot import TutorBot, bot_class
from bot.discord_app.endpoints import use_endpoints
from bot.discord_app.stopping import stop_on_signals
from bot.loop_watchdog import LoopWatchdog
from bot.opening import StoreLocation, open_core
from bot.plots import Plotter
from bot.settings import Settings
from bot.shards import describe_shards
from bot.store import StoreError
from sandbox import SandboxUnavailable

PORTAL = "https://discord.com/developers/applications"

log = logging.getLogger(__name__)


class StartupProblem(Exception):
    """Something the person running the bot must fix; the message says what and where."""


@asynccontextmanager
async def open_tutor_bot(settings: Settings, **bot_options: Any) -> AsyncIterator[TutorBot]:
    """The bot with its store, sandbox pool and core, all closed again on exit."""
    use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    location = StoreLocation.of(settings)
    async with AsyncExitStack() as resources:
        if location.url is None:
            try:
                location.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StartupProblem(
                    f"Can't create the folder for the database {location.path}: "
                    f"{exc.strerror or exc}. "
                    "Set DATABASE_PATH (or --db) to a file the bot may create and write."
                ) from None
        try:
            core = await resources.enter_async_context(open_core(settings))
        except StoreError as exc:  # its message already names the path and the way out
            raise StartupProblem(str(exc)) from None
        except SandboxUnavailable as exc:
            raise StartupProblem(
                f"The sandbox for learners' code could not start ({exc}). "
                "Run `python -m bot doctor` to see why."
            ) from None
        # One Plotter (one drawing thread) for every cog that draws.
        plotter = await resources.enter_async_context(Plotter())
        log.info("starting with %s, %s", location.describe(), describe_shards(settings))
        async with bot_class(settings)(
            settings=settings, core=core, plotter=plotter, **bot_options
        ) as bot:
            yield bot


def token_of(settings: Settings) -> str:
    if not settings.discord_token:
        raise StartupProblem(
            "DISCORD_TOKEN is not set. Create a bot at "
            f"{PORTAL} (your application → Bot → Reset Token) and put it in .env as "
            "DISCORD_TOKEN=..., or run the course in the terminal with `python -m bot local`."
        )
    return settings.discord_token.get_secret_value()


async def main(settings: Settings) -> None:
    """Run the bot until it is stopped; SIGTERM stops it as cleanly as Ctrl-C."""
    token = token_of(settings)
    current = asyncio.current_task()
    if current is not None:  # Ctrl-C and SIGTERM: one bounded stop (see stopping.py)
        stop_on_signals(current)
    async with LoopWatchdog(), open_tutor_bot(settings) as bot:  # stalls logged with the stack
        with explained_login_errors(settings):
            await bot.start(token)


@contextmanager
def explained_login_errors(settings: Settings) -> Iterator[None]:
    """Turn discord.py's login and intent refusals into StartupProblem with a way out."""
    try:
        yield
    except discord.LoginFailure:
        raise StartupProblem(
            "Discord rejected DISCORD_TOKEN: it is not a valid bot token (or it was reset). "
            f"Copy a fresh one from {PORTAL} → your application → Bot → Reset Token."
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise StartupProblem(
            "Discord refused the Message Content intent, which the bot needs to read code "
            f"posted in channels. Turn on “Message Content Intent” at {PORTAL} → your "
            "application → Bot → Privileged Gateway Intents, then start again."
        ) from None
    except (OSError, discord.GatewayNotFound) as error:
        where = settings.discord_api_base or "discord.com"
        raise StartupProblem(f"Could not reach Discord at {where}: {error}") from None
