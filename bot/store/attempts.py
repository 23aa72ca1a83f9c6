"""Recording a graded attempt: the attempt, its counts, the completion and the unlock it
earns, all inside the caller's one transaction."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.store.connection import Connection
from bot.store.records import MAX_STORED_CODE_CHARS, AttemptRecord, NewAttempt
from sandbox.result import decode_floats, encode_floats


async def insert(db: aiosqlite.Connection, learner_id: int, attempt: NewAttempt, now: float) -> int:
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
    await db.execute("UPDATE learners SET last_active_at = ? WHERE id = ?", (now, learner_id))
    assert attempt_id is not None
    return attempt_id


async def complete(db: aiosqlite.Connection, learner_id: int, lesson_id: str, now: float) -> bool:
    """Mark the lesson completed; False when it already was (a lesson completes once)."""
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


async def unlock(db: aiosqlite.Connection, learner_id: int, lesson_id: str, now: float) -> bool:
    """Record an earned unlock; False when it was earned before."""
    cursor = await db.execute(
        "INSERT INTO lesson_progress (learner_id, lesson_id, unlocked_at) VALUES (?, ?, ?)"
        " ON CONFLICT (learner_id, lesson_id) DO UPDATE SET unlocked_at = excluded.unlocked_at"
        " WHERE unlocked_at IS NULL",
        (learner_id, lesson_id, now),
    )
    changed = cursor.rowcount > 0
    await cursor.close()
    return changed


async def recent(
    conn: Connection, scope: str, user_id: str, lesson_id: str | None, limit: int
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
    rows = await conn.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
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


def _dump(value: Any) -> str:
    # JSON has no NaN: a diverging loss is tagged rather than written as invalid JSON.
    return json.dumps(encode_floats(value), allow_nan=False)


def _load(text: str) -> Any:
    return decode_floats(json.loads(text))
