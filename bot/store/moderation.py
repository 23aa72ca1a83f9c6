"""Resets a moderator asks for, logged with who asked, and per-scope settings."""

from __future__ import annotations

import json
from typing import Any

from bot.store.connection import Connection

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
        if row is None:
            return False
        learner = row[0]
        if lesson_id is None:
            # The learner row goes; progress, attempts and reveals cascade with it.
            await db.execute("DELETE FROM learners WHERE id = ?", (learner,))
            changed = True
        else:
            changed = False
            for table in ("attempts", "reveals", "lesson_progress"):
                cursor = await db.execute(
                    f"DELETE FROM {table} WHERE learner_id = ? AND lesson_id = ?",
                    (learner, lesson_id),
                )
                changed = changed or cursor.rowcount > 0
                await cursor.close()
            await db.execute(_RESUMMARISE, {"id": learner})
        await db.execute(
            "INSERT INTO resets (scope, user_id, lesson_id, actor, reset_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (scope, user_id, lesson_id, actor, now),
        )
    return changed


async def scope_settings(conn: Connection, scope: str) -> dict[str, Any]:
    rows = await conn.fetchall("SELECT key, value FROM scope_settings WHERE scope = ?", (scope,))
    return {key: json.loads(value) for key, value in rows}


async def set_scope_setting(conn: Connection, scope: str, key: str, value: Any, now: float) -> None:
    async with conn.transaction() as db:
        if value is None:
            await db.execute("DELETE FROM scope_settings WHERE scope = ? AND key = ?", (scope, key))
            return
        await db.execute(
            "INSERT INTO scope_settings (scope, key, value, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (scope, key, json.dumps(value), now),
        )
