"""Whole-scope reads for moderators: every learner's progress (exports, the funnel) and
which checks failed most often per lesson."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.store.connection import Connection
from bot.store.learners import LEARNER_COLUMNS, PROGRESS_COLUMNS
from bot.store.records import FailingCheck, LearnerProgress, LearnerRecord, LessonProgress

_LEARNER_WIDTH = len(LEARNER_COLUMNS.split(","))

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
_FAILING = """
SELECT a.lesson_id, json_extract(c.value, '$.name') AS check_name, COUNT(*) AS failures
FROM learners AS l
JOIN attempts AS a ON a.learner_id = l.id
JOIN json_each(a.checks) AS c
WHERE l.scope = ? AND a.passed = 0 AND json_extract(c.value, '$.passed') = 0
  AND c.key = (SELECT MIN(f.key) FROM json_each(a.checks) AS f
               WHERE json_extract(f.value, '$.passed') = 0)
GROUP BY a.lesson_id, check_name
ORDER BY a.lesson_id, failures DESC, check_name
"""


async def scope_progress(conn: Connection, scope: str) -> list[LearnerProgress]:
    rows = await conn.fetchall(_PROGRESS, (scope,))
    # A big community has hundreds of thousands of rows: group them off the event loop.
    return await asyncio.to_thread(_group, rows)


def _group(rows: list[Any]) -> list[LearnerProgress]:
    result: list[LearnerProgress] = []
    for row in rows:
        learner = LearnerRecord(*row[:_LEARNER_WIDTH])
        if not result or result[-1].learner != learner:
            result.append(
                LearnerProgress(learner, {}, row[_LEARNER_WIDTH], row[_LEARNER_WIDTH + 1])
            )
        lesson = row[_LEARNER_WIDTH + 2 :]
        if lesson[0] is not None:
            result[-1].progress[lesson[0]] = LessonProgress(*lesson)
    return result


async def failing_checks(conn: Connection, scope: str) -> list[FailingCheck]:
    """Per lesson, the checks failed first in failed attempts, most often first."""
    rows = await conn.fetchall(_FAILING, (scope,))
    return [FailingCheck(lesson, check, int(count)) for lesson, check, count in rows]
