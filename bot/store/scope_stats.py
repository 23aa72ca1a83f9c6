"""Whole-scope reads for moderators: every learner's progress (exports, the funnel) and
which checks failed most often per lesson."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any

from bot.store.base import StoreBase
from bot.store.learners import LEARNER_COLUMNS, PROGRESS_COLUMNS
from bot.store.records import FailingCheck, LearnerProgress, LearnerRecord, LessonProgress

_LEARNER_WIDTH = len(LEARNER_COLUMNS.split(","))
# Rows per round trip when streaming a scope: small enough that grouping a batch is quick
# on the event loop, large enough that a million learners is not a million round trips.
STREAM_BATCH = 2000

# One pass over the scope's learners, each followed by their lessons (LEFT JOIN: learners
# who never touched a lesson still appear). Rows come in learner order, so grouping is a scan.
_PROGRESS = f"""
SELECT {", ".join("l." + c.strip() for c in LEARNER_COLUMNS.split(","))}, l.last_active_at,
       l.created_at,
       {", ".join("p." + c.strip() for c in PROGRESS_COLUMNS.split(","))}
FROM learners AS l LEFT JOIN lesson_progress AS p ON p.learner_id = l.id
WHERE l.scope = ?
ORDER BY l.id
"""

# Per failed attempt, its first failed check: checks run in order, so that is the mistake
# diagnosed (a wrong gradient), not a symptom failing after it ("the loss went down").
# Checks that could not run ("can't check until ...") are not failures of that check.
_FAILING = {
    "sqlite": """
SELECT a.lesson_id, json_extract(c.value, '$.name') AS check_name, COUNT(*) AS failures
FROM learners AS l
JOIN attempts AS a ON a.learner_id = l.id
JOIN json_each(a.checks) AS c
WHERE l.scope = ? AND a.passed = 0 AND json_extract(c.value, '$.passed') = 0
  AND c.key = (SELECT MIN(f.key) FROM json_each(a.checks) AS f
               WHERE json_extract(f.value, '$.passed') = 0)
GROUP BY a.lesson_id, check_name
ORDER BY a.lesson_id, failures DESC, check_name
""",
    "postgres": """
SELECT a.lesson_id, c.value ->> 'name' AS check_name, COUNT(*) AS failures
FROM learners AS l
JOIN attempts AS a ON a.learner_id = l.id
CROSS JOIN LATERAL jsonb_array_elements(a.checks::jsonb) WITH ORDINALITY AS c (value, n)
WHERE l.scope = ? AND a.passed = 0 AND c.value -> 'passed' = 'false'::jsonb
  AND c.n = (SELECT MIN(f.n) FROM jsonb_array_elements(a.checks::jsonb) WITH ORDINALITY
             AS f (value, n) WHERE f.value -> 'passed' = 'false'::jsonb)
GROUP BY a.lesson_id, check_name
ORDER BY a.lesson_id, failures DESC, check_name
""",
}


class ScopeStats(StoreBase):
    async def scope_progress(self, scope: str) -> list[LearnerProgress]:
        """Every learner of the scope with their lessons, oldest learner first (all in
        memory: for big scopes, `iter_scope_progress`)."""
        rows = await self.conn.fetchall(_PROGRESS, (scope,))
        # A big community has hundreds of thousands of rows: group them off the event loop.
        return await asyncio.to_thread(_group_all, rows)

    async def scope_progress_batches(self, scope: str) -> AsyncIterator[list[LearnerProgress]]:
        """Like `scope_progress`, streamed from one snapshot in batches of learners: memory
        stays bounded by a batch however many learners the scope has."""
        pending: list[Any] = []  # the rows of a learner whose lessons may continue
        async for batch in self.conn.stream(_PROGRESS, (scope,), STREAM_BATCH):
            rows = pending + batch
            last_learner = rows[-1][:_LEARNER_WIDTH]
            cut = len(rows)
            while cut > 0 and rows[cut - 1][:_LEARNER_WIDTH] == last_learner:
                cut -= 1
            if cut:
                # Grouping a batch takes milliseconds: off the event loop.
                yield await asyncio.to_thread(_group_all, rows[:cut])
            pending = rows[cut:]
        if pending:
            yield await asyncio.to_thread(_group_all, pending)

    async def failing_checks(self, scope: str) -> list[FailingCheck]:
        """Per lesson, the checks failed first in failed attempts, most often first."""
        rows = await self.conn.fetchall(_FAILING[self.conn.dialect], (scope,))
        return [FailingCheck(lesson, check, int(count)) for lesson, check, count in rows]


def _group_all(rows: list[Any]) -> list[LearnerProgress]:
    return list(_grouped(rows))


def _grouped(rows: Iterable[Any]) -> Iterable[LearnerProgress]:
    current: LearnerProgress | None = None
    current_key: tuple[Any, ...] = ()
    for row in rows:
        key = row[:_LEARNER_WIDTH]
        if current is None or key != current_key:
            if current is not None:
                yield current
            current = LearnerProgress(
                LearnerRecord(*key), {}, row[_LEARNER_WIDTH], row[_LEARNER_WIDTH + 1]
            )
            current_key = key
        if row[_LEARNER_WIDTH + 2] is not None:
            lesson = row[_LEARNER_WIDTH + 2 :]
            current.progress[lesson[0]] = LessonProgress(*lesson)
    if current is not None:
        yield current
