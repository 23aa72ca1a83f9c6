"""Recording a graded attempt: the attempt, its counts, the completion and the unlock it
earns, all in one transaction. The steps are module functions so `moderation` reuses
`unlock` and tests can break a step to prove the whole record rolls back."""

from __future__ import annotations

import json
import sys
from typing import Any

from asyncpg.exceptions import NoDataFoundError

from bot.store.base import StoreBase
from bot.store.database import Tx
from bot.store.errors import UnknownLearner
from bot.store.records import MAX_STORED_CODE_CHARS, AttemptRecord, NewAttempt, RecordResult
from sandbox.json_floats import decode_floats, encode_floats


class Attempts(StoreBase):
    async def record_attempt(
        self, scope: str, user_id: str, attempt: NewAttempt, unlock: str | None = None
    ) -> RecordResult:
        """Record the attempt and, when it passed, the completion and the unlock of
        `unlock`, all in one transaction."""
        now = self._clock()
        if self.conn.dialect == "postgres":
            return await self._record_in_one_call(scope, user_id, attempt, unlock, now)
        async with self.conn.transaction() as tx:
            # The learner's latest activity, and their row locked for this record (one
            # statement: on PostgreSQL every round trip counts at a thousand records a second).
            found = await tx.fetchone(
                "UPDATE learners SET last_active_at = ? WHERE scope = ? AND user_id = ?"
                " RETURNING id",
                (now, scope, user_id),
            )
            if found is None:
                raise UnknownLearner(f"no learner {user_id!r} in scope {scope!r}")
            learner = int(found[0])
            attempt_id = await insert(tx, learner, attempt, now)
            newly_completed = newly_unlocked = False
            if attempt.passed:
                newly_completed = await complete(tx, learner, attempt.lesson_id, now)
                if unlock is not None:
                    # The module's `unlock`: the argument of that name hides it here.
                    newly_unlocked = await _steps.unlock(tx, learner, unlock, now)
        return RecordResult(attempt_id, newly_completed, newly_unlocked)

    async def _record_in_one_call(
        self, scope: str, user_id: str, attempt: NewAttempt, unlock: str | None, now: float
    ) -> RecordResult:
        """PostgreSQL: the steps below as one server-side function (migration 0004 there)."""
        code = attempt.code[:MAX_STORED_CODE_CHARS]
        try:
            row = await self.conn.fetchone(
                "SELECT * FROM record_attempt(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    scope,
                    user_id,
                    attempt.lesson_id,
                    now,
                    attempt.status,
                    int(attempt.passed),
                    _dump(attempt.checks),
                    _dump(attempt.metrics),
                    code,
                    int(len(code) < len(attempt.code)),
                    int(attempt.counts_as_failure),
                    unlock,
                ),
            )
        except NoDataFoundError:
            raise UnknownLearner(f"no learner {user_id!r} in scope {scope!r}") from None
        assert row is not None
        return RecordResult(int(row[0]), bool(row[1]), bool(row[2]))

    async def attempts(
        self, scope: str, user_id: str, lesson_id: str | None = None, limit: int = 20
    ) -> list[AttemptRecord]:
        """Newest first."""
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


async def insert(tx: Tx, learner_id: int, attempt: NewAttempt, now: float) -> int:
    code = attempt.code[:MAX_STORED_CODE_CHARS]
    row = await tx.fetchone(
        "INSERT INTO attempts (learner_id, lesson_id, created_at, status, passed, checks,"
        " metrics, code, code_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    assert row is not None
    await tx.execute(
        "INSERT INTO lesson_progress (learner_id, lesson_id, attempts, failures)"
        " VALUES (?, ?, 1, ?) ON CONFLICT (learner_id, lesson_id) DO UPDATE SET"
        " attempts = lesson_progress.attempts + 1,"
        " failures = lesson_progress.failures + excluded.failures",
        (learner_id, attempt.lesson_id, int(attempt.counts_as_failure)),
    )
    return int(row[0])


async def complete(tx: Tx, learner_id: int, lesson_id: str, now: float) -> bool:
    """Mark the lesson completed; False when it already was (a lesson completes once)."""
    row = await tx.fetchone(
        "UPDATE lesson_progress SET completed_at = ?, attempts_to_complete = attempts"
        " WHERE learner_id = ? AND lesson_id = ? AND completed_at IS NULL"
        " RETURNING attempts_to_complete",
        (now, learner_id, lesson_id),
    )
    if row is None:
        return False
    await tx.execute(
        "UPDATE learners SET completed_count = completed_count + 1, last_completed_at = ?,"
        " attempts_to_complete = attempts_to_complete + ? WHERE id = ?",
        (now, row[0], learner_id),
    )
    return True


async def unlock(tx: Tx, learner_id: int, lesson_id: str, now: float) -> bool:
    """Record an earned unlock; False when it was earned before."""
    row = await tx.fetchone(
        "INSERT INTO lesson_progress (learner_id, lesson_id, unlocked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET unlocked_at = excluded.unlocked_at"
        " WHERE lesson_progress.unlocked_at IS NULL RETURNING 1",
        (learner_id, lesson_id, now),
    )
    return row is not None


_steps = sys.modules[__name__]


def _dump(value: Any) -> str:
    # JSON has no NaN: a diverging loss is tagged rather than written as invalid JSON.
    return json.dumps(encode_floats(value), allow_nan=False)


def _load(text: str) -> Any:
    return decode_floats(json.loads(text))
