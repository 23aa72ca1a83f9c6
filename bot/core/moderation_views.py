"""What the moderator side of the core returns: plain data for any front end."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.views import LessonStatus
from bot.store import AttemptRecord, LearnerRecord
from lessons import Lesson


@dataclass(frozen=True)
class LearnerReport:
    """One learner as a moderator sees them: standing, recent attempts, last code."""

    learner: LearnerRecord
    lessons: list[LessonStatus]
    attempts: list[AttemptRecord]  # newest first
    last_active_at: float | None

    @property
    def completed(self) -> int:
        return sum(status.completed for status in self.lessons)

    @property
    def last_code(self) -> AttemptRecord | None:
        return self.attempts[0] if self.attempts else None


@dataclass(frozen=True)
class ResetPlan:
    """What a reset would forget, asked before the moderator confirms it."""

    lesson: Lesson | None  # None: all of the learner's progress
    anything: bool  # False: nothing to forget, so nothing to confirm or audit
    # Later lessons that stay open after a one-lesson reset: their unlocks were earned
    # and are stored, so forgetting the lesson before them does not close them.
    stays_open: list[Lesson] = field(default_factory=list)


@dataclass(frozen=True)
class UnlockOutcome:
    lesson: Lesson
    changed: bool  # False: it was already open to them


@dataclass(frozen=True)
class LessonFunnel:
    lesson: Lesson
    reached: int  # learners the lesson is open to
    passed: int
    stuck: int  # open, not passed, at least one failed attempt
    top_failing_check: str | None = None
    top_failing_count: int = 0


@dataclass(frozen=True)
class FunnelView:
    scope: str
    learners: int
    finished: int  # learners who passed every lesson
    lessons: list[LessonFunnel]
