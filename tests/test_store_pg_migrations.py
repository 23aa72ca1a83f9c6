"""PostgreSQL's migrations: several processes opening a new database at once apply each
migration exactly once; a database from a newer version is refused and left untouched."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.store import PostgresStore, SchemaTooNew
from bot.store.pg_migrate import postgres_migrations

NEWEST = postgres_migrations()[-1].version


async def test_stores_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    stores = [PostgresStore(postgres_url) for _ in range(4)]
    await asyncio.gather(*(store.open() for store in stores))
    try:
        assert {store.schema_version for store in stores} == {NEWEST}
        rows = await stores[0].conn.fetchall("SELECT version FROM schema_version ORDER BY 1")
        assert [row[0] for row in rows] == list(range(1, NEWEST + 1))
        await stores[1].ensure_learner("guild:1", "ada", "Ada")
        assert await stores[2].get_learner("guild:1", "ada") is not None
    finally:
        await asyncio.gather(*(store.close() for store in stores))


async def test_a_newer_database_is_refused_and_left_untouched(postgres_url: str) -> None:
    con = await asyncpg.connect(postgres_url)
    try:
        await con.execute(
            "CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        await con.execute("INSERT INTO schema_version VALUES ($1, 'future')", NEWEST + 1)
        with pytest.raises(SchemaTooNew) as caught:
            await PostgresStore(postgres_url).open()
        assert "DATABASE_URL" in str(caught.value) and "Upgrade Gradient Tutor" in str(caught.value)
        tables = await con.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        assert [t[0] for t in tables] == ["schema_version"]
    finally:
        await con.close()


async def test_an_unreachable_server_is_a_clear_refusal() -> None:
    from bot.store import CannotOpen

    with pytest.raises(CannotOpen) as caught:
        await PostgresStore("postgresql://tutor:secret@127.0.0.1:1/tutor").open()
    message = str(caught.value)
    assert "postgresql://tutor:***@127.0.0.1:1/tutor" in message and "secret" not in message
    assert "Check DATABASE_URL" in message
