"""Schema migrations: from an empty file, from every older version, and refusing newer ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import CannotOpen, SchemaTooNew, SqliteStore
from bot.store.connection import connect
from bot.store.migrate import Migration, load_migrations, migrate, split_statements

MIGRATIONS = load_migrations()
NEWEST = MIGRATIONS[-1].version


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
        return {name for (name,) in rows}


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert NEWEST >= 3


async def test_empty_file_is_migrated_to_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "tutor.sqlite3"
    async with SqliteStore(path) as store:
        assert store.schema_version == NEWEST
    assert user_version(path) == NEWEST
    assert {"learners", "lesson_progress", "attempts", "reveals", "scope_settings"} <= tables(path)
    assert "learners_leaderboard" in tables(path)


async def test_store_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "t.db") as store:
        assert (await store.conn.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await store.conn.fetchone("PRAGMA foreign_keys"))[0] == 1


async def test_opening_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    async with SqliteStore(path) as store:
        await store.ensure_learner("local", "ada", "Ada")
    async with SqliteStore(path) as store:
        assert store.schema_version == NEWEST
        assert (await store.get_learner("local", "ada")) is not None


async def _create_at_version(path: Path, version: int) -> None:
    db = await connect(path)
    try:
        await migrate(db, MIGRATIONS[:version])
        # A learner who completed one lesson in two attempts, as version 1 stored it.
        await db.execute(
            "INSERT INTO learners (id, scope, user_id, display_name, created_at)"
            " VALUES (1, 'guild:1', 'u1', 'Ada', 0)"
        )
        await db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, completed_at, attempts,"
            " failures, attempts_to_complete) VALUES (1, 'numpy-basics', 50.0, 2, 1, 2)"
        )
        await db.execute(
            "INSERT INTO attempts (learner_id, lesson_id, created_at, status, passed, checks,"
            " metrics, code) VALUES (1, 'numpy-basics', 50.0, 'passed', 1, '[]', '{}', 'x = 1')"
        )
        if version >= 2:
            await db.execute(
                "UPDATE learners SET completed_count = 1, last_completed_at = 50.0,"
                " attempts_to_complete = 2 WHERE id = 1"
            )
    finally:
        await db.close()


@pytest.mark.parametrize("version", range(1, NEWEST))
async def test_each_older_version_is_migrated_keeping_progress(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / f"v{version}.db"
    await _create_at_version(path, version)
    assert user_version(path) == version
    async with SqliteStore(path) as store:
        assert store.schema_version == NEWEST
        progress = await store.progress("guild:1", "u1")
        assert progress["numpy-basics"].completed
        assert len(await store.attempts("guild:1", "u1")) == 1
        board = await store.leaderboard("guild:1", 0, 10)
        assert [(r.user_id, r.completed, r.attempts) for r in board.rows] == [("u1", 1, 2)]
        await store.set_scope_setting("guild:1", "lesson_channel", 42)
        assert await store.scope_settings("guild:1") == {"lesson_channel": 42}


async def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {NEWEST + 1}")
        db.execute("CREATE TABLE from_the_future (x)")
    with pytest.raises(SchemaTooNew) as caught:
        await SqliteStore(path).open()
    assert f"schema version {NEWEST + 1}" in str(caught.value)
    assert "Upgrade Gradient Tutor" in str(caught.value)
    assert user_version(path) == NEWEST + 1
    assert tables(path) == {"from_the_future"}


async def test_a_file_that_cannot_be_a_database_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    with pytest.raises(CannotOpen) as caught:
        await SqliteStore(tmp_path).open()  # a folder
    assert f"Can't open the database {tmp_path}: unable to open database file" in str(caught.value)
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"not SQLite at all\n" * 10)
    with pytest.raises(CannotOpen) as caught:
        await SqliteStore(notes).open()
    assert "file is not a database" in str(caught.value)
    assert "DATABASE_PATH (or --db)" in str(caught.value)
    assert notes.read_bytes() == b"not SQLite at all\n" * 10


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    broken = [*MIGRATIONS, Migration(NEWEST + 1, "broken", "CREATE TABLE ok (x);\nNOT SQL;\n")]
    db = await aiosqlite.connect(tmp_path / "t.db", isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, broken)
        async with db.execute("PRAGMA user_version") as cursor:
            assert (await cursor.fetchone()) == (NEWEST,)
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'ok'") as cursor:
            assert await cursor.fetchall() == []
    finally:
        await db.close()


def test_split_statements_keeps_multiline_statements_and_quoted_semicolons() -> None:
    sql = "-- a comment\nCREATE TABLE a (\n  x TEXT -- why\n);\n\nINSERT INTO a VALUES (';');\n"
    statements = split_statements(sql)
    assert len(statements) == 2
    assert statements[0].endswith("CREATE TABLE a (\n  x TEXT -- why\n);")
    assert statements[1] == "INSERT INTO a VALUES (';');"
