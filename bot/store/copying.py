"""`python -m bot db copy`: move a SQLite file's progress into a PostgreSQL database.

Everything is copied in one PostgreSQL transaction with COPY, keeping the row ids (so the
audit log and attempts keep their numbers), then the id sequences move past them. Running
it again changes nothing; a target that already holds other progress is refused unless
`replace` is given, which empties it first. Grading leases are not progress: not copied.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

import aiosqlite

from bot.store.database import Row
from bot.store.pg_connection import PgConnection
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore

# Parents before children, for the foreign keys. Columns named for both schemas.
TABLES: dict[str, tuple[str, ...]] = {
    "learners": (
        "id", "scope", "user_id", "display_name", "current_lesson_id", "created_at",
        "completed_count", "last_completed_at", "attempts_to_complete", "last_active_at",
    ),
    "lesson_progress": (
        "learner_id", "lesson_id", "unlocked_at", "completed_at", "attempts", "failures",
        "attempts_to_complete", "hints_shown", "solution_shown_at",
    ),
    "attempts": (
        "id", "learner_id", "lesson_id", "created_at", "status", "passed", "checks",
        "metrics", "code", "code_truncated",
    ),
    "reveals": ("id", "learner_id", "lesson_id", "kind", "tier", "shown_at"),
    "scope_settings": ("scope", "key", "value", "updated_at"),
    "audit_log": (
        "id", "scope", "actor", "action", "user_id", "lesson_id", "detail", "created_at",
    ),
}  # fmt: skip
_WITH_IDS = ("learners", "attempts", "reveals", "audit_log")
BATCH = 5000


class TargetHoldsProgress(Exception):
    """The target already has progress that is not a copy of this file."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        super().__init__(
            f"the target database already holds progress ({describe_counts(counts)}) that "
            "is not a copy of this file. Nothing was changed. Pass --replace to delete it "
            "and copy again."
        )


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]  # rows per table, as they now are in the target
    copied: bool  # False: the target already was a copy of the file; nothing was done


def describe_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {table.replace('_', ' ')}" for table, count in counts.items())


async def count_rows(conn: SqliteStore | PostgresStore) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        row = await conn.conn.fetchone(f"SELECT COUNT(*) FROM {table}")
        assert row is not None
        counts[table] = int(row[0])
    return counts


async def copy_database(
    source: SqliteStore, target: PostgresStore, *, replace: bool = False
) -> CopyReport:
    """Both stores open (and so migrated to their newest schemas)."""
    wanted = await count_rows(source)
    found = await count_rows(target)
    if any(found.values()) and not replace:
        if found == wanted and await _same_learners(source, target):
            return CopyReport(found, copied=False)
        raise TargetHoldsProgress(found)
    # One read snapshot of the file for every table, so rows written meanwhile (a bot still
    # running on it) can't leave a child row without its parent.
    reader = await aiosqlite.connect(str(source.path))
    try:
        await reader.execute("BEGIN")
        async with target.conn.pool.acquire() as con, con.transaction():
            if replace:
                await con.execute(
                    "TRUNCATE "
                    + ", ".join(TABLES)
                    + ", grading_leases, board_counts RESTART IDENTITY CASCADE"
                )
            for table, columns in TABLES.items():
                select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1"
                async with reader.execute(select) as cursor:
                    while rows := await cursor.fetchmany(BATCH):
                        await con.copy_records_to_table(
                            table, records=[tuple(row) for row in rows], columns=list(columns)
                        )
            for table in _WITH_IDS:
                # The next id a new row gets must be past the copied ones.
                await con.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
    finally:
        await reader.close()
    return CopyReport(await count_rows(target), copied=True)


async def _same_learners(source: SqliteStore, target: PostgresStore) -> bool:
    """Whether the target's learners are the file's, id for id (a copy made before)."""
    select = "SELECT id, scope, user_id FROM learners ORDER BY id"
    theirs = _rows(target.conn, select)
    try:
        async for batch in source.conn.stream(select, (), BATCH):
            for row in batch:
                if row != await anext(theirs, None):
                    return False
        return await anext(theirs, None) is None
    finally:
        await theirs.aclose()


async def _rows(conn: PgConnection, sql: str) -> AsyncGenerator[Row, None]:
    async for batch in conn.stream(sql, (), BATCH):
        for row in batch:
            yield row
