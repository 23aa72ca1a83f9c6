"""`python -m bot db copy --from FILE --to URL`: move progress from SQLite to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

NAME = "db"
HELP = "database tools: `db copy` moves a SQLite file's progress into PostgreSQL"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    copy = sub.add_parser(
        "copy",
        help="copy every learner's progress, attempts, settings and audit log from a SQLite "
        "file into a PostgreSQL database (run it with the bot stopped)",
    )
    copy.add_argument("--from", dest="source", type=Path, required=True, metavar="SQLITE_FILE")
    copy.add_argument(
        "--to",
        dest="target",
        metavar="DATABASE_URL",
        help="postgresql://... (default: the DATABASE_URL setting)",
    )
    copy.add_argument(
        "--replace",
        action="store_true",
        help="delete whatever progress the target holds first (otherwise it is refused)",
    )


def run(args: argparse.Namespace) -> int:
    target = args.target or (
        args.settings.database_url.get_secret_value() if args.settings.database_url else ""
    )
    if not target.startswith(("postgresql://", "postgres://")):
        print("error: --to must be a postgresql:// URL (or set DATABASE_URL)", file=sys.stderr)
        return 2
    if not args.source.is_file():
        print(f"error: {args.source} is not a file: nothing to copy", file=sys.stderr)
        return 2
    return asyncio.run(_copy(args.source, target, args.replace))


async def _copy(source: Path, target: str, replace: bool) -> int:
    from bot.store import PostgresStore, SqliteStore, StoreError
    from bot.store.copying import TargetHoldsProgress, copy_database, describe_counts
    from bot.store.pg_connection import redacted

    try:
        async with SqliteStore(source) as sqlite, PostgresStore(target) as postgres:
            report = await copy_database(sqlite, postgres, replace=replace)
    except (StoreError, TargetHoldsProgress) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    where = redacted(target)
    if report.copied:
        print(f"Copied {source} into {where}: {describe_counts(report.counts)}.")
    else:
        print(f"{where} already holds this copy of {source}: {describe_counts(report.counts)}.")
    return 0
