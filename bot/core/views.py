"""What the core returns: plain data a front end renders however it likes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.learner import Learner
from bot.store import LeaderboardRow
from lessons import Lesson, Verdict

# One row of the board: rank, user_id, display_name, completed, attempts, last_completed_at.
LeaderboardEntry = LeaderboardRow


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    unlocked: bool
    completed: bool
    attempts: int
    completed_at: float | None = None
    hints_shown: int = 0


@dataclass(frozen=True)
class LessonView:
    """A lesson to read, or, when `course_complete`, the news that none is left."""

    lesson: Lesson | None
    total_lessons: int
    completed: bool = False
    attempts: int = 0
    hints_shown: int = 0
    solution_available: bool = False
    course_complete: bool = False


@dataclass(frozen=True)
class SubmissionOutcome:
    verdict: Verdict
    lesson: Lesson
    unlocked: Lesson | None  # the lesson this pass opened, if it opened one
    course_completed: bool  # this pass completed the last lesson left
    attempt_id: int
    newly_completed: bool = False  # first pass of this lesson (not a practice re-run)


@dataclass(frozen=True)
class HintView:
    lesson: Lesson
    text: str
    tier: int  # 1-based
    tiers: int

    @property
    def is_last(self) -> bool:
        return self.tier >= self.tiers


@dataclass(frozen=True)
class SolutionView:
    lesson: Lesson
    code: str


@dataclass(frozen=True)
class ProgressView:
    learner: Learner
    lessons: list[LessonStatus]
    current: Lesson | None
    rank: int | None  # place on the scope's leaderboard, None before the first pass

    @property
    def completed(self) -> int:
        return sum(status.completed for status in self.lessons)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def attempts(self) -> int:
        return sum(status.attempts for status in self.lessons)

    @property
    def course_complete(self) -> bool:
        return self.completed == self.total


@dataclass(frozen=True)
class LeaderboardPage:
    scope: str
    page: int  # 0-based
    page_size: int
    total: int  # learners on the board
    entries: list[LeaderboardEntry]

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))
