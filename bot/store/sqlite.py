"""The SQLite store: one file, one connection owned by the app, migrated at open.

The queries live in one module per concern (learners, attempts, reveals, leaderboard,
moderation); this class owns the connection and the clock and implements `Store`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.store import attempts, audit, leaderboard, learners, moderation, reveals, scope_stats
from bot.store.connection import Connection, connect
from bot.store.errors import StoreError
from bot.store.migrate import migrate
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


class SqliteStore:
    """Use as `async with SqliteStore(path) as store:`; `clock` is injectable for tests."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._conn: Connection | None = None
        self.schema_version = 0

    async def open(self) -> SqliteStore:
        db = await connect(self.path)
        try:
            self.schema_version = await migrate(db)
        except BaseException:
            await db.close()
            raise
        self._conn = Connection(db)
        return self

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def __aenter__(self) -> SqliteStore:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise StoreError("the store is not open")
        return self._conn

    # Learners and progress

    async def ensure_learner(self, scope: str, user_id: str, display_name: str) -> LearnerRecord:
        return await learners.ensure(self.conn, scope, user_id, display_name, self._clock())

    async def get_learner(self, scope: str, user_id: str) -> LearnerRecord | None:
        return await learners.get(self.conn, scope, user_id)

    async def set_current_lesson(self, scope: str, user_id: str, lesson_id: str) -> None:
        await learners.set_current_lesson(self.conn, scope, user_id, lesson_id)

    async def progress(self, scope: str, user_id: str) -> dict[str, LessonProgress]:
        return await learners.progress(self.conn, scope, user_id)

    # Attempts

    async def record_attempt(
        self, scope: str, user_id: str, attempt: NewAttempt, unlock: str | None = None
    ) -> RecordResult:
        now = self._clock()
        async with self.conn.transaction() as db:
            learner = await learners.learner_id(db, scope, user_id)
            attempt_id = await attempts.insert(db, learner, attempt, now)
            newly_completed = newly_unlocked = False
            if attempt.passed:
                newly_completed = await attempts.complete(db, learner, attempt.lesson_id, now)
                if unlock is not None:
                    newly_unlocked = await attempts.unlock(db, learner, unlock, now)
        return RecordResult(attempt_id, newly_completed, newly_unlocked)

    async def attempts(
        self, scope: str, user_id: str, lesson_id: str | None = None, limit: int = 20
    ) -> list[AttemptRecord]:
        return await attempts.recent(self.conn, scope, user_id, lesson_id, limit)

    # Hints and solutions

    async def reveal_hint(self, scope: str, user_id: str, lesson_id: str, tiers: int) -> int:
        return await reveals.reveal_hint(self.conn, scope, user_id, lesson_id, tiers, self._clock())

    async def record_solution_shown(self, scope: str, user_id: str, lesson_id: str) -> None:
        await reveals.record_solution_shown(self.conn, scope, user_id, lesson_id, self._clock())

    # Leaderboard

    async def leaderboard(self, scope: str, offset: int, limit: int) -> LeaderboardSlice:
        return await leaderboard.page(self.conn, scope, offset, limit)

    async def rank_of(self, scope: str, user_id: str) -> int | None:
        return await leaderboard.rank_of(self.conn, scope, user_id)

    # Moderation and per-scope settings

    async def reset(self, scope: str, user_id: str, lesson_id: str | None, actor: str) -> bool:
        return await moderation.reset(self.conn, scope, user_id, lesson_id, actor, self._clock())

    async def unlock(self, scope: str, user_id: str, lesson_id: str, actor: str) -> bool:
        return await moderation.unlock(self.conn, scope, user_id, lesson_id, actor, self._clock())

    async def audit_log(
        self, scope: str, limit: int = 50, user_id: str | None = None
    ) -> list[AuditEntry]:
        return await audit.recent(self.conn, scope, limit, user_id)

    async def scope_settings(self, scope: str) -> dict[str, Any]:
        return await moderation.scope_settings(self.conn, scope)

    async def set_scope_setting(
        self, scope: str, key: str, value: Any, actor: str | None = None
    ) -> None:
        await moderation.set_scope_setting(self.conn, scope, key, value, self._clock(), actor)

    # Whole-scope reads for moderators

    async def scope_progress(self, scope: str) -> list[LearnerProgress]:
        return await scope_stats.scope_progress(self.conn, scope)

    async def failing_checks(self, scope: str) -> list[FailingCheck]:
        return await scope_stats.failing_checks(self.conn, scope)
