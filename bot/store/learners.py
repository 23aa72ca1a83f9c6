"""Learners: one row per person per scope, with the summary the leaderboard ranks."""

from __future__ import annotations

import aiosqlite

from bot.store.connection import Connection
from bot.store.errors import UnknownLearner
from bot.store.records import LearnerRecord, LessonProgress

LEARNER_COLUMNS = (
    "scope, user_id, display_name, current_lesson_id, completed_count, last_completed_at, "
    "attempts_to_complete"
)
PROGRESS_COLUMNS = (
    "lesson_id, unlocked_at, completed_at, attempts, failures, attempts_to_complete, "
    "hints_shown, solution_shown_at"
)


async def ensure(
    conn: Connection, scope: str, user_id: str, display_name: str, now: float
) -> LearnerRecord:
    existing = await get(conn, scope, user_id)
    if existing is not None and existing.display_name == display_name:
        return existing  # the common case stays a read: no write lock, no fsync
    async with conn.transaction() as db:
        await db.execute(
            "INSERT INTO learners (scope, user_id, display_name, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scope, user_id) DO UPDATE SET display_name = excluded.display_name",
            (scope, user_id, display_name, now),
        )
    learner = await get(conn, scope, user_id)
    assert learner is not None
    return learner


async def get(conn: Connection, scope: str, user_id: str) -> LearnerRecord | None:
    row = await conn.fetchone(
        f"SELECT {LEARNER_COLUMNS} FROM learners WHERE scope = ? AND user_id = ?",
        (scope, user_id),
    )
    return None if row is None else LearnerRecord(*row)


async def set_current_lesson(conn: Connection, scope: str, user_id: str, lesson_id: str) -> None:
    async with conn.transaction() as db:
        await db.execute(
            "UPDATE learners SET current_lesson_id = ? WHERE scope = ? AND user_id = ?",
            (lesson_id, scope, user_id),
        )


async def progress(conn: Connection, scope: str, user_id: str) -> dict[str, LessonProgress]:
    rows = await conn.fetchall(
        f"SELECT {PROGRESS_COLUMNS} FROM lesson_progress"
        " WHERE learner_id = (SELECT id FROM learners WHERE scope = ? AND user_id = ?)",
        (scope, user_id),
    )
    return {row[0]: LessonProgress(*row) for row in rows}


async def learner_id(db: aiosqlite.Connection, scope: str, user_id: str) -> int:
    """The row id, inside an open transaction; UnknownLearner when there is none."""
    async with db.execute(
        "SELECT id FROM learners WHERE scope = ? AND user_id = ?", (scope, user_id)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise UnknownLearner(f"no learner {user_id!r} in scope {scope!r}")
    return int(row[0])
