"""`python -m bot run`: connect to Discord and teach until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import argparse
import asyncio
import sys

NAME = "run"
HELP = "run the Discord bot (needs DISCORD_TOKEN; see the README's Discord setup)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLite file for progress (default: DATABASE_PATH setting)")
    parser.add_argument(
        "--shard-count", type=int, metavar="N", help="Discord shards in all (SHARD_COUNT)"
    )
    parser.add_argument(
        "--shard-ids", metavar="IDS", help="the shards this process holds, e.g. 0,1 (SHARD_IDS)"
    )


def run(args: argparse.Namespace) -> int:
    # Imported here so `python -m bot --help` stays fast and works without discord.py set up.
    from pathlib import Path

    from bot.discord_app.runtime import StartupProblem, main
    from bot.settings import SettingsError, parse_shard_ids

    settings = args.settings
    if args.db:
        # An explicit SQLite file wins over DATABASE_URL.
        settings = settings.model_copy(
            update={"database_path": Path(args.db).expanduser(), "database_url": None}
        )
    try:
        if args.shard_count is not None:
            if args.shard_count < 1:
                raise SettingsError(f"--shard-count must be at least 1, got {args.shard_count}")
            settings = settings.model_copy(update={"shard_count": args.shard_count})
        ids = args.shard_ids
        if ids is None and settings.shard_ids is not None:
            ids = ",".join(map(str, settings.shard_ids))  # SHARD_IDS, checked against the count
        if ids is not None:
            ids_held = parse_shard_ids(ids, settings.shard_count)
            settings = settings.model_copy(update={"shard_ids": ids_held})
    except SettingsError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        asyncio.run(main(settings))
    except StartupProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass  # a requested stop: everything was closed on the way out
    return 0
