"""Numbered SQL migrations, applied in order at start: SQLite's under `migrations/`
(here), PostgreSQL's under `migrations_postgres/` (see `pg_migrate`).

The schema version lives in SQLite's `PRAGMA user_version`, which is transactional: each
migration and its version bump commit together or not at all.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from bot.store.errors import SchemaTooNew, StoreError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: str = "migrations") -> list[Migration]:
    """Every migration shipped with the package for one backend (`migrations` for SQLite,
    `migrations_postgres`), ordered, with no gaps."""
    found = []
    for entry in resources.files("bot.store").joinpath(folder).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StoreError(f"migration {expected:04d} is missing before {migration.name}")
    return found


def split_statements(sql: str) -> list[str]:
    """Cut a script into statements, so they run inside our transaction.

    `executescript` would commit any open transaction first, which is exactly what a
    migration must not do.
    """
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _has_code(buffer):
        raise StoreError(f"migration ends with an unfinished statement: {buffer.strip()[:60]!r}")
    return statements


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the database up to the newest migration; return the version it ends at.

    Each step re-reads the version inside its write transaction, so two processes
    starting on the same file at once do not apply a migration twice.
    """
    migrations = load_migrations() if migrations is None else migrations
    newest = migrations[-1].version if migrations else 0
    current = await schema_version(db)
    if current > newest:
        raise SchemaTooNew(current, newest)
    for migration in migrations:
        if migration.version <= current:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            current = await schema_version(db)
            if migration.version > current:
                for statement in split_statements(migration.sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {migration.version:d}")
                current = migration.version
        except BaseException:
            await db.rollback()
            raise
        await db.commit()
    return current
