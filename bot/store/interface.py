"""The small interface the tutor core needs from storage.

SQLite implements it today; a PostgreSQL backend for multi-process deployments can
implement the same methods without the core or the front ends changing.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.store.records import (
    AttemptRecord,
    AuditEntry,
    FailingCheck,
    LeaderboardSlice,
    LearnerProgress,
    LearnerRecord,
    LessonProgress,
    NewAttempt,
    RecordResult,
)


class Store(Protocol):
    async def ensure_learner(self, scope: str, user_id: str, display_name: str) -> LearnerRecord:
        """Create the learner on first sight; keep the display name current."""
        ...

    async def get_learner(self, scope: str, user_id: str) -> LearnerRecord | None: ...

    async def progress(self, scope: str, user_id: str) -> dict[str, LessonProgress]:
        """Every lesson the learner has touched or earned, by lesson id."""
        ...

    async def set_current_lesson(self, scope: str, user_id: str, lesson_id: str) -> None: ...

    async def record_attempt(
        self, scope: str, user_id: str, attempt: NewAttempt, unlock: str | None = None
    ) -> RecordResult:
        """Record the attempt and, when it passed, the completion and the unlock of
        `unlock`, all in one transaction."""
        ...

    async def attempts(
        self, scope: str, user_id: str, lesson_id: str | None = None, limit: int = 20
    ) -> list[AttemptRecord]:
        """Newest first."""
        ...

    async def reveal_hint(self, scope: str, user_id: str, lesson_id: str, tiers: int) -> int:
        """Record that the next hint tier was shown and return it (1-based, at most tiers)."""
        ...

    async def record_solution_shown(self, scope: str, user_id: str, lesson_id: str) -> None: ...

    async def leaderboard(self, scope: str, offset: int, limit: int) -> LeaderboardSlice: ...

    async def rank_of(self, scope: str, user_id: str) -> int | None:
        """1-based place on the scope's leaderboard, None when not on it."""
        ...

    async def reset(self, scope: str, user_id: str, lesson_id: str | None, actor: str) -> bool:
        """Forget a learner's progress (or one lesson's), audited; True when there was any."""
        ...

    async def unlock(self, scope: str, user_id: str, lesson_id: str, actor: str) -> bool:
        """Open a lesson for a learner, audited; False when it already was unlocked."""
        ...

    async def audit_log(
        self, scope: str, limit: int = 50, user_id: str | None = None
    ) -> list[AuditEntry]:
        """Moderator actions, newest first."""
        ...

    async def scope_progress(self, scope: str) -> list[LearnerProgress]:
        """Every learner of the scope with their lessons, oldest learner first."""
        ...

    async def failing_checks(self, scope: str) -> list[FailingCheck]:
        """Per lesson, how often each check was the first a failed attempt failed, most
        often first."""
        ...

    async def scope_settings(self, scope: str) -> dict[str, Any]: ...

    async def set_scope_setting(
        self, scope: str, key: str, value: Any, actor: str | None = None
    ) -> None:
        """Store a JSON-able value; None removes the setting. With `actor`, audited."""
        ...
