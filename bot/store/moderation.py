"""What moderators do to learners (reset, unlock) and per-scope settings; every change
is written to the audit log in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from bot.store import attempts, audit
from bot.store.base import StoreBase

# After a one-lesson reset the summary is recomputed from what is left.
_RESUMMARISE = """
UPDATE learners SET
    completed_count = (SELECT COUNT(*) FROM lesson_progress
                       WHERE learner_id = ? AND completed_at IS NOT NULL),
    last_completed_at = (SELECT MAX(completed_at) FROM lesson_progress WHERE learner_id = ?),
    attempts_to_complete = (SELECT COALESCE(SUM(attempts_to_complete), 0) FROM lesson_progress
                            WHERE learner_id = ? AND completed_at IS NOT NULL)
WHERE id = ?
"""


class Moderation(StoreBase):
    async def reset(self, scope: str, user_id: str, lesson_id: str | None, actor: str) -> bool:
        """Forget a learner's progress (or one lesson's), audited; True when there was any."""
        now = self._clock()
        async with self.conn.transaction() as tx:
            row = await tx.fetchone(
                "SELECT id FROM learners WHERE scope = ? AND user_id = ?" + self.conn.lock_row,
                (scope, user_id),
            )
            changed = False
            if row is not None and lesson_id is None:
                # The learner row goes; progress, attempts and reveals cascade with it.
                await tx.execute("DELETE FROM learners WHERE id = ?", (row[0],))
                changed = True
            elif row is not None:
                for table in ("attempts", "reveals", "lesson_progress"):
                    gone = await tx.fetchall(
                        f"DELETE FROM {table} WHERE learner_id = ? AND lesson_id = ? RETURNING 1",
                        (row[0], lesson_id),
                    )
                    changed = changed or bool(gone)
                await tx.execute(_RESUMMARISE, (row[0],) * 4)
            # Logged even when there was nothing to forget: the moderator did confirm it.
            await audit.write(
                tx,
                scope=scope,
                actor=actor,
                action="reset",
                now=now,
                user_id=user_id,
                lesson_id=lesson_id,
                detail="" if changed else "nothing to reset",
            )
        return changed

    async def unlock(self, scope: str, user_id: str, lesson_id: str, actor: str) -> bool:
        """Open a lesson for a learner as if earned, audited; False when it already was."""
        now = self._clock()
        async with self.conn.transaction() as tx:
            learner = await self._learner_id(tx, scope, user_id)
            changed = await attempts.unlock(tx, learner, lesson_id, now)
            await audit.write(
                tx,
                scope=scope,
                actor=actor,
                action="unlock",
                now=now,
                user_id=user_id,
                lesson_id=lesson_id,
                detail="" if changed else "already unlocked",
            )
        return changed

    async def scope_settings(self, scope: str) -> dict[str, Any]:
        rows = await self.conn.fetchall(
            "SELECT key, value FROM scope_settings WHERE scope = ?", (scope,)
        )
        return {key: json.loads(value) for key, value in rows}

    async def set_scope_setting(
        self, scope: str, key: str, value: Any, actor: str | None = None
    ) -> None:
        """Store a JSON-able value; None removes the setting. With `actor`, audited."""
        now = self._clock()
        async with self.conn.transaction() as tx:
            if actor is not None:
                detail = f"{key} = {json.dumps(value)}" if value is not None else f"{key} removed"
                await audit.write(
                    tx, scope=scope, actor=actor, action="config", now=now, detail=detail
                )
            if value is None:
                await tx.execute(
                    "DELETE FROM scope_settings WHERE scope = ? AND key = ?", (scope, key)
                )
                return
            await tx.execute(
                "INSERT INTO scope_settings (scope, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (scope, key, json.dumps(value), now),
            )
