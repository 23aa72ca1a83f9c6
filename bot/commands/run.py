"""`python -m bot run`: connect to Discord and teach until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import argparse
import asyncio
import sys

NAME = "run"
HELP = "run the Discord bot (needs DISCORD_TOKEN; see the README's Discord setup)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file for progress (default: DATABASE_PATH setting)")


def run(args: argparse.Namespace) -> int:
    # Imported here so `python -m bot --help` stays fast and works without discord.py set up.
    from pathlib import Path

    from bot.discord_app.runtime import StartupProblem, main

    settings = args.settings
    if args.db:
        settings = settings.model_copy(update={"database_path": Path(args.db).expanduser()})
    try:
        asyncio.run(main(settings))
    except StartupProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass  # a requested stop: everything was closed on the way out
    return 0
