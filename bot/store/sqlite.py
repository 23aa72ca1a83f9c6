"""The SQLite store: one file, one connection owned by the app, migrated at open."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from bot.store import leaderboard
from bot.store.connection import Connection, connect
from bot.store.errors import StoreError, UnknownLearner
from bot.store.migrate import migrate
from bot.store.records import (
    MAX_STORED_CODE_CHARS,
    AttemptRecord,
    LeaderboardSlice,
    LearnerRecord,
    LessonProgress,
    NewAttempt,
    RecordResult,
)
from sandbox.result import decode_floats, encode_floats

_LEARNER_COLUMNS = (
    "scope, user_id, display_name, current_lesson_id, completed_count, last_completed_at, "
    "attempts_to_complete"
)
_PROGRESS_COLUMNS = (
    "lesson_id, unlocked_at, completed_at, attempts, failures, attempts_to_complete, "
    "hints_shown, solution_shown_at"
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

    # Learners

    async def ensure_learner(self, scope: str, user_id: str, display_name: str) -> LearnerRecord:
        existing = await self.get_learner(scope, user_id)
        if existing is not None and existing.display_name == display_name:
            return existing  # the common case stays a read: no write lock, no fsync
        async with self.conn.transaction() as db:
            await db.execute(
                "INSERT INTO learners (scope, user_id, display_name, created_at)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (scope, user_id) DO UPDATE SET display_name = excluded.display_name",
                (scope, user_id, display_name, self._clock()),
            )
        learner = await self.get_learner(scope, user_id)
        assert learner is not None
        return learner

    async def get_learner(self, scope: str, user_id: str) -> LearnerRecord | None:
        row = await self.conn.fetchone(
            f"SELECT {_LEARNER_COLUMNS} FROM learners WHERE scope = ? AND user_id = ?",
            (scope, user_id),
        )
        return None if row is None else LearnerRecord(*row)

    async def set_current_lesson(self, scope: str, user_id: str, lesson_id: str) -> None:
        async with self.conn.transaction() as db:
            await db.execute(
                "UPDATE learners SET current_lesson_id = ? WHERE scope = ? AND user_id = ?",
                (lesson_id, scope, user_id),
            )

    # Progress and attempts

    async def progress(self, scope: str, user_id: str) -> dict[str, LessonProgress]:
        rows = await self.conn.fetchall(
            f"SELECT {_PROGRESS_COLUMNS} FROM lesson_progress"
            " WHERE learner_id = (SELECT id FROM learners WHERE scope = ? AND user_id = ?)",
            (scope, user_id),
        )
        return {row[0]: LessonProgress(*row) for row in rows}

    async def record_attempt(
        self, scope: str, user_id: str, attempt: NewAttempt, unlock: str | None = None
    ) -> RecordResult:
        now = self._clock()
        async with self.conn.transaction() as db:
            learner_id = await _learner_id(db, scope, user_id)
            attempt_id = await self._insert_attempt(db, learner_id, attempt, now)
            newly_completed = newly_unlocked = False
            if attempt.passed:
                newly_completed = await self._complete(db, learner_id, attempt.lesson_id, now)
                if unlock is not None:
                    newly_unlocked = await self._unlock(db, learner_id, unlock, now)
        return RecordResult(attempt_id, newly_completed, newly_unlocked)

    async def _insert_attempt(
        self, db: aiosqlite.Connection, learner_id: int, attempt: NewAttempt, now: float
    ) -> int:
        code = attempt.code[:MAX_STORED_CODE_CHARS]
        cursor = await db.execute(
            "INSERT INTO attempts (learner_id, lesson_id, created_at, status, passed, checks,"
            " metrics, code, code_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                learner_id,
                attempt.lesson_id,
                now,
                attempt.status,
                int(attempt.passed),
                _dump(attempt.checks),
                _dump(attempt.metrics),
                code,
                int(len(code) < len(attempt.code)),
            ),
        )
        attempt_id = cursor.lastrowid
        await cursor.close()
        await db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, attempts, failures)"
            " VALUES (?, ?, 1, ?) ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
            " attempts = attempts + 1, failures = failures + excluded.failures",
            (learner_id, attempt.lesson_id, int(attempt.counts_as_failure)),
        )
        assert attempt_id is not None
        return attempt_id

    async def _complete(
        self, db: aiosqlite.Connection, learner_id: int, lesson_id: str, now: float
    ) -> bool:
        # Only the first pass changes anything: a lesson is never completed twice.
        cursor = await db.execute(
            "UPDATE lesson_progress SET completed_at = ?, attempts_to_complete = attempts"
            " WHERE learner_id = ? AND lesson_id = ? AND completed_at IS NULL"
            " RETURNING attempts_to_complete",
            (now, learner_id, lesson_id),
        )
        row = await cursor.fetchone()
        await cursor.close()
        if row is None:
            return False
        await db.execute(
            "UPDATE learners SET completed_count = completed_count + 1, last_completed_at = ?,"
            " attempts_to_complete = attempts_to_complete + ? WHERE id = ?",
            (now, row[0], learner_id),
        )
        return True

    async def _unlock(
        self, db: aiosqlite.Connection, learner_id: int, lesson_id: str, now: float
    ) -> bool:
        cursor = await db.execute(
            "INSERT INTO lesson_progress (learner_id, lesson_id, unlocked_at) VALUES (?, ?, ?)"
            " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET unlocked_at = excluded.unlocked_at"
            " WHERE unlocked_at IS NULL",
            (learner_id, lesson_id, now),
        )
        changed = cursor.rowcount > 0
        await cursor.close()
        return changed

    async def attempts(
        self, scope: str, user_id: str, lesson_id: str | None = None, limit: int = 20
    ) -> list[AttemptRecord]:
        sql = (
            "SELECT id, lesson_id, created_at, status, passed, checks, metrics, code,"
            " code_truncated FROM attempts"
            " WHERE learner_id = (SELECT id FROM learners WHERE scope = ? AND user_id = ?)"
        )
        params: list[Any] = [scope, user_id]
        if lesson_id is not None:
            sql += " AND lesson_id = ?"
            params.append(lesson_id)
        rows = await self.conn.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [
            AttemptRecord(
                id=r[0],
                lesson_id=r[1],
                created_at=r[2],
                status=r[3],
                passed=bool(r[4]),
                checks=_load(r[5]),
                metrics=_load(r[6]),
                code=r[7],
                code_truncated=bool(r[8]),
            )
            for r in rows
        ]

    # Hints and solutions

    async def reveal_hint(self, scope: str, user_id: str, lesson_id: str, tiers: int) -> int:
        if tiers < 1:
            raise ValueError("a lesson without hints has no tier to reveal")
        async with self.conn.transaction() as db:
            learner_id = await _learner_id(db, scope, user_id)
            cursor = await db.execute(
                "INSERT INTO lesson_progress (learner_id, lesson_id, hints_shown) VALUES (?, ?, 1)"
                " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
                " hints_shown = MIN(hints_shown + 1, ?) RETURNING hints_shown",
                (learner_id, lesson_id, tiers),
            )
            row = await cursor.fetchone()
            await cursor.close()
            assert row is not None
            tier = int(row[0])
            await db.execute(
                "INSERT INTO reveals (learner_id, lesson_id, kind, tier, shown_at)"
                " VALUES (?, ?, 'hint', ?, ?)",
                (learner_id, lesson_id, tier, self._clock()),
            )
        return tier

    async def record_solution_shown(self, scope: str, user_id: str, lesson_id: str) -> None:
        now = self._clock()
        async with self.conn.transaction() as db:
            learner_id = await _learner_id(db, scope, user_id)
            await db.execute(
                "INSERT INTO lesson_progress (learner_id, lesson_id, solution_shown_at)"
                " VALUES (?, ?, ?) ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
                " solution_shown_at = COALESCE(solution_shown_at, excluded.solution_shown_at)",
                (learner_id, lesson_id, now),
            )
            await db.execute(
                "INSERT INTO reveals (learner_id, lesson_id, kind, shown_at)"
                " VALUES (?, ?, 'solution', ?)",
                (learner_id, lesson_id, now),
            )

    # Leaderboard

    async def leaderboard(self, scope: str, offset: int, limit: int) -> LeaderboardSlice:
        return await leaderboard.page(self.conn, scope, offset, limit)

    async def rank_of(self, scope: str, user_id: str) -> int | None:
        return await leaderboard.rank_of(self.conn, scope, user_id)

    # Moderation

    async def reset(self, scope: str, user_id: str, lesson_id: str | None, actor: str) -> bool:
        async with self.conn.transaction() as db:
            row = await (
                await db.execute(
                    "SELECT id FROM learners WHERE scope = ? AND user_id = ?", (scope, user_id)
                )
            ).fetchone()
            if row is None:
                return False
            learner_id = row[0]
            if lesson_id is None:
                # The learner row goes; progress, attempts and reveals cascade with it.
                await db.execute("DELETE FROM learners WHERE id = ?", (learner_id,))
                changed = True
            else:
                changed = False
                for table in ("attempts", "reveals", "lesson_progress"):
                    cursor = await db.execute(
                        f"DELETE FROM {table} WHERE learner_id = ? AND lesson_id = ?",
                        (learner_id, lesson_id),
                    )
                    changed = changed or cursor.rowcount > 0
                    await cursor.close()
                await db.execute(_RESUMMARISE, {"id": learner_id})
            await db.execute(
                "INSERT INTO resets (scope, user_id, lesson_id, actor, reset_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (scope, user_id, lesson_id, actor, self._clock()),
            )
        return changed

    # Per-scope settings

    async def scope_settings(self, scope: str) -> dict[str, Any]:
        rows = await self.conn.fetchall(
            "SELECT key, value FROM scope_settings WHERE scope = ?", (scope,)
        )
        return {key: json.loads(value) for key, value in rows}

    async def set_scope_setting(self, scope: str, key: str, value: Any) -> None:
        async with self.conn.transaction() as db:
            if value is None:
                await db.execute(
                    "DELETE FROM scope_settings WHERE scope = ? AND key = ?", (scope, key)
                )
                return
            await db.execute(
                "INSERT INTO scope_settings (scope, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (scope, key, json.dumps(value), self._clock()),
            )


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


async def _learner_id(db: aiosqlite.Connection, scope: str, user_id: str) -> int:
    async with db.execute(
        "SELECT id FROM learners WHERE scope = ? AND user_id = ?", (scope, user_id)
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise UnknownLearner(f"no learner {user_id!r} in scope {scope!r}")
    return int(row[0])


def _dump(value: Any) -> str:
    # JSON has no NaN: a diverging loss is tagged rather than written as invalid JSON.
    return json.dumps(encode_floats(value), allow_nan=False)


def _load(text: str) -> Any:
    return decode_floats(json.loads(text))
