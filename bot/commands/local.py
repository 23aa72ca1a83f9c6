"""`python -m bot local`: take the course in this terminal, no Discord needed.

Same tutor core, same sandbox, same SQLite file as the bot. Works at a prompt and with
stdin from a pipe (`python -m bot local < session.txt`), which is how it is tested.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path

from bot.console import ConsoleSession, LineReader, Style
from bot.core import LOCAL_SCOPE, Learner
from bot.core.text import valid_unicode
from bot.opening import open_core
from bot.plots import Plotter
from bot.settings import Settings
from bot.store import StoreError
from sandbox import SandboxUnavailable

NAME = "local"
HELP = "take the course in this terminal (no Discord needed; progress is saved)"

# One learner at a time: their code and the reference solution run side by side.
LOCAL_WORKERS = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        help="SQLite file with the progress (default: DATABASE_PATH, else the user data dir)",
    )
    parser.add_argument(
        "--name",
        help="profile name; each profile keeps its own progress (default: your login name)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour output (default: auto, on a terminal unless NO_COLOR is set)",
    )
    parser.add_argument(
        "--plots",
        type=Path,
        metavar="DIR",
        help="save the loss plot of every training-lesson verdict into DIR and print its path "
        "(without it, type `plot [FILE]` after a verdict)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        print("\nBye! Your progress is saved.", file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    if settings.log_level == "INFO":
        # The terminal belongs to the learner: routine INFO lines would cut into lessons.
        logging.getLogger().setLevel(logging.WARNING)
    colour = {"auto": None, "always": True, "never": False}[args.color]
    learner = _local_learner(args.name)
    try:
        # --db names a SQLite file; without it, DATABASE_URL (when set) wins as it does for `run`.
        async with (
            open_core(
                settings,
                workers=min(LOCAL_WORKERS, settings.sandbox_workers),
                db_path=args.db,
                paced=False,  # one learner at their own terminal: no pause to enforce
            ) as core,
            Plotter() as plotter,
        ):
            session = ConsoleSession(
                core,
                learner,
                LineReader(),
                sys.stdout,
                Style.for_stream(sys.stdout, colour=colour),
                plotter=plotter,
                plot_dir=args.plots,
            )
            return await session.run()
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SandboxUnavailable as error:
        print(
            f"error: the sandbox that runs your code cannot start: {error}. "
            "`python -m bot doctor` shows what this machine provides.",
            file=sys.stderr,
        )
        return 1


def _local_learner(name: str | None) -> Learner:
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no login name in some containers
            name = "learner"
    name = valid_unicode(name)  # argv bytes that are not UTF-8 can't be stored as they are
    return Learner(scope=LOCAL_SCOPE, user_id=name, display_name=name)
