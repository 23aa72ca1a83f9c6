"""The course funnel of a scope: how far learners got, and where they get stuck.

Counted batch by batch (`FunnelTally.add` runs in a thread: a large community's funnel is
a lot of arithmetic), so a scope of any size is never in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.moderation_views import FunnelView, LessonFunnel
from bot.core.unlocking import unlocked_ids
from bot.store import FailingCheck, LearnerProgress
from lessons import Course


class FunnelTally:
    def __init__(self, course: Course) -> None:
        self.course = course
        self.reached = dict.fromkeys((lesson.id for lesson in course), 0)
        self.passed = dict(self.reached)
        self.stuck = dict(self.reached)
        self.learners = 0
        self.finished = 0

    def add(self, rows: Iterable[LearnerProgress]) -> None:
        for row in rows:
            self.learners += 1
            opened = unlocked_ids(self.course, row.progress)  # the one unlock rule
            done = 0
            for lesson in self.course:
                mine = row.progress.get(lesson.id)
                completed = mine is not None and mine.completed
                done += completed
                if lesson.id in opened:
                    self.reached[lesson.id] += 1
                    if completed:
                        self.passed[lesson.id] += 1
                    elif mine is not None and mine.failures > 0:
                        self.stuck[lesson.id] += 1
            self.finished += done == len(self.course)

    def view(self, scope: str, failing: Sequence[FailingCheck]) -> FunnelView:
        top: dict[str, FailingCheck] = {}
        for entry in failing:  # most failed first within each lesson
            top.setdefault(entry.lesson_id, entry)
        return FunnelView(
            scope=scope,
            learners=self.learners,
            finished=self.finished,
            lessons=[
                LessonFunnel(
                    lesson=lesson,
                    reached=self.reached[lesson.id],
                    passed=self.passed[lesson.id],
                    stuck=self.stuck[lesson.id],
                    top_failing_check=top[lesson.id].check if lesson.id in top else None,
                    top_failing_count=top[lesson.id].failures if lesson.id in top else 0,
                )
                for lesson in self.course
            ],
        )
