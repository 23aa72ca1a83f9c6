"""Learners' progress, attempts and settings, kept in SQLite behind a small interface."""

from bot.store.errors import CannotOpen, SchemaTooNew, StoreError, UnknownLearner
from bot.store.interface import Store
from bot.store.records import (
    MAX_STORED_CODE_CHARS,
    AttemptRecord,
    AuditEntry,
    FailingCheck,
    LeaderboardRow,
    LeaderboardSlice,
    LearnerProgress,
    LearnerRecord,
    LessonProgress,
    NewAttempt,
    RecordResult,
)
from bot.store.sqlite import SqliteStore

__all__ = [
    "MAX_STORED_CODE_CHARS",
    "AttemptRecord",
    "AuditEntry",
    "CannotOpen",
    "FailingCheck",
    "LeaderboardRow",
    "LeaderboardSlice",
    "LearnerProgress",
    "LearnerRecord",
    "LessonProgress",
    "NewAttempt",
    "RecordResult",
    "SchemaTooNew",
    "SqliteStore",
    "Store",
    "StoreError",
    "UnknownLearner",
]
