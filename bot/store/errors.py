"""Errors the store raises; each message tells an operator what to do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as it is."""


class SchemaTooNew(StoreError):
    """The file was written by a newer Gradient Tutor; opening it could lose progress."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"This database has schema version {found}, but this version of Gradient Tutor "
            f"only understands up to version {supported}. Upgrade Gradient Tutor, or point "
            "DATABASE_PATH (or --db) at another file. The file was left untouched."
        )


class CannotOpen(StoreError):
    """The file can't be opened as a database: a directory, no permission, not SQLite."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        super().__init__(
            f"Can't open the database {path}: {reason}. Point DATABASE_PATH (or --db) at "
            "a file you can write, or at a new one."
        )


class UnknownLearner(StoreError):
    """A write names a learner the store has never seen."""
