"""Hints and solutions shown: counted on the lesson and logged one row per reveal."""

from __future__ import annotations

from bot.store.base import StoreBase


class Reveals(StoreBase):
    async def reveal_hint(self, scope: str, user_id: str, lesson_id: str, tiers: int) -> int:
        """Record that the next hint tier was shown and return it (1-based, at most tiers)."""
        if tiers < 1:
            raise ValueError("a lesson without hints has no tier to reveal")
        now = self._clock()
        async with self.conn.transaction() as tx:
            learner = await self._learner_id(tx, scope, user_id)
            row = await tx.fetchone(
                "INSERT INTO lesson_progress (learner_id, lesson_id, hints_shown) VALUES (?, ?, 1)"
                " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET hints_shown = CASE"
                " WHEN lesson_progress.hints_shown < ? THEN lesson_progress.hints_shown + 1"
                " ELSE ? END RETURNING hints_shown",
                (learner, lesson_id, tiers, tiers),
            )
            assert row is not None
            tier = int(row[0])
            await tx.execute(
                "INSERT INTO reveals (learner_id, lesson_id, kind, tier, shown_at)"
                " VALUES (?, ?, 'hint', ?, ?)",
                (learner, lesson_id, tier, now),
            )
        return tier

    async def record_solution_shown(self, scope: str, user_id: str, lesson_id: str) -> None:
        now = self._clock()
        async with self.conn.transaction() as tx:
            learner = await self._learner_id(tx, scope, user_id)
            await tx.execute(
                "INSERT INTO lesson_progress (learner_id, lesson_id, solution_shown_at)"
                " VALUES (?, ?, ?) ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
                " solution_shown_at = COALESCE(lesson_progress.solution_shown_at,"
                " excluded.solution_shown_at)",
                (learner, lesson_id, now),
            )
            await tx.execute(
                "INSERT INTO reveals (learner_id, lesson_id, kind, shown_at)"
                " VALUES (?, ?, 'solution', ?)",
                (learner, lesson_id, now),
            )
