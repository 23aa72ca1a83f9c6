"""PostgreSQL's numbered migrations (`migrations_postgres/`), applied in order at start.

The version lives in `schema_version`; each migration, its DDL included (PostgreSQL's DDL
is transactional), commits together with its version bump. An advisory lock makes
processes that start at once on one database apply each migration exactly once.
"""

from __future__ import annotations

import asyncpg

from bot.store.errors import SchemaTooNew
from bot.store.migrate import Migration, load_migrations

# Any fixed number: the key of the advisory lock migrations take.
_MIGRATION_LOCK = 0x6772_6164  # "grad"


def postgres_migrations() -> list[Migration]:
    return load_migrations("migrations_postgres")


async def schema_version(con: asyncpg.Connection) -> int:
    exists = await con.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await con.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


async def migrate(con: asyncpg.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the database up to the newest migration; return the version it ends at."""
    migrations = postgres_migrations() if migrations is None else migrations
    newest = migrations[-1].version if migrations else 0
    current = await schema_version(con)
    if current > newest:
        raise SchemaTooNew(current, newest, "DATABASE_URL")
    for migration in migrations:
        if migration.version <= current:
            continue
        async with con.transaction():
            await con.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
                " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            current = await schema_version(con)
            if migration.version > current:
                await con.execute(migration.sql)
                await con.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
                current = migration.version
    return current
