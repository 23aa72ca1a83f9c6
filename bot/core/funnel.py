"""The course funnel of a scope: how far learners got, and where they get stuck.

Pure functions over the store's whole-scope rows, so they can run in a thread: a large
community's funnel is a few hundred thousand rows of arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.moderation_views import FunnelView, LessonFunnel
from bot.core.unlocking import unlocked_ids
from bot.store import FailingCheck, LearnerProgress
from lessons import Course


def course_funnel(
    scope: str, course: Course, rows: Sequence[LearnerProgress], failing: Sequence[FailingCheck]
) -> FunnelView:
    reached = dict.fromkeys((lesson.id for lesson in course), 0)
    passed = dict(reached)
    stuck = dict(reached)
    finished = 0
    for row in rows:
        opened = unlocked_ids(course, row.progress)  # the one unlock rule, not a copy in SQL
        done = 0
        for lesson in course:
            mine = row.progress.get(lesson.id)
            completed = mine is not None and mine.completed
            done += completed
            if lesson.id in opened:
                reached[lesson.id] += 1
                if completed:
                    passed[lesson.id] += 1
                elif mine is not None and mine.failures > 0:
                    stuck[lesson.id] += 1
        finished += done == len(course)
    top: dict[str, FailingCheck] = {}
    for entry in failing:  # most failed first within each lesson
        top.setdefault(entry.lesson_id, entry)
    return FunnelView(
        scope=scope,
        learners=len(rows),
        finished=finished,
        lessons=[
            LessonFunnel(
                lesson=lesson,
                reached=reached[lesson.id],
                passed=passed[lesson.id],
                stuck=stuck[lesson.id],
                top_failing_check=top[lesson.id].check if lesson.id in top else None,
                top_failing_count=top[lesson.id].failures if lesson.id in top else 0,
            )
            for lesson in course
        ],
    )
