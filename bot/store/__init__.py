"""Learners' progress, attempts and settings behind one `Store` contract, kept in SQLite
(the default) or PostgreSQL (DATABASE_URL)."""

from bot.store.choice import chosen_store, describe
from bot.store.errors import CannotOpen, SchemaTooNew, StoreError, UnknownLearner
from bot.store.interface import Store
from bot.store.postgres import PostgresStore
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
    "PostgresStore",
    "RecordResult",
    "SchemaTooNew",
    "SqliteStore",
    "Store",
    "StoreError",
    "UnknownLearner",
    "chosen_store",
    "describe",
]
