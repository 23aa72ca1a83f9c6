"""Plain data going in and out of the store: no database types leak past it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Attempts keep the learner's code for review; anything past this is cut (and flagged).
MAX_STORED_CODE_CHARS = 32_768


@dataclass(frozen=True)
class LearnerRecord:
    scope: str
    user_id: str
    display_name: str
    current_lesson_id: str | None = None
    completed_count: int = 0
    last_completed_at: float | None = None
    attempts_to_complete: int = 0


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    unlocked_at: float | None = None  # None: open by rule rather than earned
    completed_at: float | None = None
    attempts: int = 0
    failures: int = 0
    attempts_to_complete: int | None = None
    hints_shown: int = 0
    solution_shown_at: float | None = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def earned_unlock(self) -> bool:
        return self.unlocked_at is not None


@dataclass(frozen=True)
class NewAttempt:
    """One graded submission, as the core hands it to the store."""

    lesson_id: str
    status: str
    passed: bool
    counts_as_failure: bool  # the core's rule: what counts toward revealing the solution
    code: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    lesson_id: str
    created_at: float
    status: str
    passed: bool
    checks: list[dict[str, Any]]
    metrics: dict[str, Any]
    code: str
    code_truncated: bool


@dataclass(frozen=True)
class RecordResult:
    attempt_id: int
    newly_completed: bool  # this attempt completed the lesson for the first time
    newly_unlocked: bool  # this attempt earned the unlock it was given


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user_id: str
    display_name: str
    completed: int
    attempts: int  # attempts it took to complete those lessons
    last_completed_at: float
    current_lesson_id: str | None = None
    last_active_at: float | None = None  # the learner's latest attempt


@dataclass(frozen=True)
class LeaderboardSlice:
    total: int  # learners on the board in this scope (at least one lesson completed)
    rows: list[LeaderboardRow]


@dataclass(frozen=True)
class LearnerProgress:
    """One learner of a scope with every lesson they touched, for exports and statistics."""

    learner: LearnerRecord
    progress: dict[str, LessonProgress]
    last_active_at: float | None = None
    first_seen_at: float | None = None  # when they first used the course in this scope


@dataclass(frozen=True)
class FailingCheck:
    """How many failed attempts at a lesson failed this check."""

    lesson_id: str
    check: str
    failures: int


@dataclass(frozen=True)
class AuditEntry:
    """A moderator action: who (`actor`), what (`action` on `user_id`/`lesson_id`), when."""

    id: int
    scope: str
    actor: str
    action: str  # "reset", "unlock" or "config"
    user_id: str | None
    lesson_id: str | None
    detail: str
    created_at: float
