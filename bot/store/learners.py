"""Learners: one row per person per scope, with the summary the leaderboard ranks."""

from __future__ import annotations

from bot.store.base import StoreBase
from bot.store.records import LearnerRecord, LessonProgress

LEARNER_COLUMNS = (
    "scope, user_id, display_name, current_lesson_id, completed_count, last_completed_at, "
    "attempts_to_complete"
)
PROGRESS_COLUMNS = (
    "lesson_id, unlocked_at, completed_at, attempts, failures, attempts_to_complete, "
    "hints_shown, solution_shown_at"
)


class Learners(StoreBase):
    async def ensure_learner(self, scope: str, user_id: str, display_name: str) -> LearnerRecord:
        """Create the learner on first sight; keep the display name current."""
        existing = await self.get_learner(scope, user_id)
        if existing is not None and existing.display_name == display_name:
            return existing  # the common case stays a read: no write lock, no fsync
        async with self.conn.transaction() as tx:
            await tx.execute(
                "INSERT INTO learners (scope, user_id, display_name, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (scope, user_id)"
                " DO UPDATE SET display_name = excluded.display_name",
                (scope, user_id, display_name, self._clock()),
            )
        learner = await self.get_learner(scope, user_id)
        assert learner is not None
        return learner

    async def get_learner(self, scope: str, user_id: str) -> LearnerRecord | None:
        row = await self.conn.fetchone(
            f"SELECT {LEARNER_COLUMNS} FROM learners WHERE scope = ? AND user_id = ?",
            (scope, user_id),
        )
        return None if row is None else LearnerRecord(*row)

    async def set_current_lesson(self, scope: str, user_id: str, lesson_id: str) -> None:
        async with self.conn.transaction() as tx:
            await tx.execute(
                "UPDATE learners SET current_lesson_id = ? WHERE scope = ? AND user_id = ?",
                (lesson_id, scope, user_id),
            )

    async def progress(self, scope: str, user_id: str) -> dict[str, LessonProgress]:
        """Every lesson the learner has touched or earned, by lesson id."""
        rows = await self.conn.fetchall(
            f"SELECT {PROGRESS_COLUMNS} FROM lesson_progress"
            " WHERE learner_id = (SELECT id FROM learners WHERE scope = ? AND user_id = ?)",
            (scope, user_id),
        )
        return {row[0]: LessonProgress(*row) for row in rows}
