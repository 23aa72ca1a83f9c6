"""Errors the store raises; each message tells an operator what to do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as it is."""


class SchemaTooNew(StoreError):
    """The file was written by a newer Gradient Tutor; opening it could lose progress."""

    def __init__(
        self, found: int, supported: int, setting: str = "DATABASE_PATH (or --db)"
    ) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"This database has schema version {found}, but this version of Gradient Tutor "
            f"only understands up to version {supported}. Upgrade Gradient Tutor, or point "
            f"{setting} at another database. The database was left untouched."
        )


class CannotOpen(StoreError):
    """The database can't be opened: a directory, no permission, not SQLite, no server."""

    def __init__(self, path: object, reason: str, setting: str = "") -> None:
        self.path = path
        way_out = (
            f"Check {setting}: the server, the database and the credentials it names."
            if setting
            else "Point DATABASE_PATH (or --db) at a file you can write, or at a new one."
        )
        super().__init__(f"Can't open the database {path}: {reason}. {way_out}")


class UnknownLearner(StoreError):
    """A write names a learner the store has never seen."""
