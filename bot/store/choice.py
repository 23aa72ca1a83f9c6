"""Which backend a process uses: PostgreSQL when DATABASE_URL is set, else the SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.store.interface import Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore


def chosen_store(database_url: str | None, database_path: Path) -> Store:
    """Not yet open: use it as `async with chosen_store(...) as store:`."""
    if database_url:
        return PostgresStore(database_url)
    return SqliteStore(database_path)


def describe(database_url: str | None, database_path: Path) -> str:
    """For logs and `doctor`: which database, the password left out."""
    from bot.store.pg_connection import redacted

    return f"PostgreSQL {redacted(database_url)}" if database_url else f"SQLite {database_path}"
