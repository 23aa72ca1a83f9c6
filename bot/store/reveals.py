"""Hints and solutions shown: counted on the lesson and logged one row per reveal."""

from __future__ import annotations

from bot.store.connection import Connection
from bot.store.learners import learner_id


async def reveal_hint(
    conn: Connection, scope: str, user_id: str, lesson_id: str, tiers: int, now: float
) -> int:
    if tiers < 1:
        raise ValueError("a lesson without hints has no tier to reveal")
    async with conn.transaction() as db:
        learner = await learner_id(db, scope, user_id)
        cursor = await db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, hints_shown) VALUES (?, ?, 1)"
            " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
            " hints_shown = MIN(hints_shown + 1, ?) RETURNING hints_shown",
            (learner, lesson_id, tiers),
        )
        row = await cursor.fetchone()
        await cursor.close()
        assert row is not None
        tier = int(row[0])
        await db.execute(
            "INSERT INTO reveals (learner_id, lesson_id, kind, tier, shown_at)"
            " VALUES (?, ?, 'hint', ?, ?)",
            (learner, lesson_id, tier, now),
        )
    return tier


async def record_solution_shown(
    conn: Connection, scope: str, user_id: str, lesson_id: str, now: float
) -> None:
    async with conn.transaction() as db:
        learner = await learner_id(db, scope, user_id)
        await db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, solution_shown_at)"
            " VALUES (?, ?, ?) ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
            " solution_shown_at = COALESCE(solution_shown_at, excluded.solution_shown_at)",
            (learner, lesson_id, now),
        )
        await db.execute(
            "INSERT INTO reveals (learner_id, lesson_id, kind, shown_at)"
            " VALUES (?, ?, 'solution', ?)",
            (learner, lesson_id, now),
        )
