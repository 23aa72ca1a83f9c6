"""What moderators do to learners (reset, unlock) and per-scope settings; every change
is written to the audit log in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from bot.store import attempts, audit
from bot.store.connection import Connection
from bot.store.learners import learner_id

# After a one-lesson reset the summary is recomputed from what is left.
_RESUMMARISE = """
UPDATE learners SET
    completed_count = (SELECT COUNT(*) FROM lesson_progress
                       WHERE learner_id = :id AND completed_at IS NOT NULL),
    last_completed_at = (SELECT MAX(completed_at) FROM lesson_progress WHERE learner_id = :id),
    attempts_to_complete = (SELECT COALESCE(SUM(attempts_to_complete), 0) FROM lesson_progress
                            WHERE learner_id = :id AND completed_at IS NOT NULL)
WHERE id = :id
"""


async def reset(
    conn: Connection, scope: str, user_id: str, lesson_id: str | None, actor: str, now: float
) -> bool:
    async with conn.transaction() as db:
        async with db.execute(
            "SELECT id FROM learners WHERE scope = ? AND user_id = ?", (scope, user_id)
        ) as cursor:
            row = await cursor.fetchone()
        changed = False
        if row is not None and lesson_id is None:
            # The learner row goes; progress, attempts and reveals cascade with it.
            await db.execute("DELETE FROM learners WHERE id = ?", (row[0],))
            changed = True
        elif row is not None:
            for table in ("attempts", "reveals", "lesson_progress"):
                cursor = await db.execute(
                    f"DELETE FROM {table} WHERE learner_id = ? AND lesson_id = ?",
                    (row[0], lesson_id),
                )
                changed = changed or cursor.rowcount > 0
                await cursor.close()
            await db.execute(_RESUMMARISE, {"id": row[0]})
        # Logged even when there was nothing to forget: the moderator did confirm it.
        await audit.write(
            db,
            scope=scope,
            actor=actor,
            action="reset",
            now=now,
            user_id=user_id,
            lesson_id=lesson_id,
            detail="" if changed else "nothing to reset",
        )
    return changed


async def unlock(
    conn: Connection, scope: str, user_id: str, lesson_id: str, actor: str, now: float
) -> bool:
    """Open a lesson for a learner as if earned; False when it was already unlocked."""
    async with conn.transaction() as db:
        learner = await learner_id(db, scope, user_id)
        changed = await attempts.unlock(db, learner, lesson_id, now)
        await audit.write(
            db,
            scope=scope,
            actor=actor,
            action="unlock",
            now=now,
            user_id=user_id,
            lesson_id=lesson_id,
            detail="" if changed else "already unlocked",
        )
    return changed


async def scope_settings(conn: Connection, scope: str) -> dict[str, Any]:
    rows = await conn.fetchall("SELECT key, value FROM scope_settings WHERE scope = ?", (scope,))
    return {key: json.loads(value) for key, value in rows}


async def set_scope_setting(
    conn: Connection, scope: str, key: str, value: Any, now: float, actor: str | None = None
) -> None:
    async with conn.transaction() as db:
        if actor is not None:
            detail = f"{key} = {json.dumps(value)}" if value is not None else f"{key} removed"
            await audit.write(db, scope=scope, actor=actor, action="config", now=now, detail=detail)
        if value is None:
            await db.execute("DELETE FROM scope_settings WHERE scope = ? AND key = ?", (scope, key))
            return
        await db.execute(
            "INSERT INTO scope_settings (scope, key, value, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (scope, key, json.dumps(value), now),
        )
