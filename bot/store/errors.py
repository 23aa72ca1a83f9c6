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


class UnknownLearner(StoreError):
    """A write names a learner the store has never seen."""
