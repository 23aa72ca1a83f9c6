"""What every part of the store shares: the database it talks to and the clock it reads.

The store's methods live in one module per concern (learners, attempts, reveals,
leaderboard, moderation, scope statistics, grading leases), each a class `Store` is built
from; the backends only open the database (`SqliteStore`, `PostgresStore`).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.store.database import Database, Tx
from bot.store.errors import StoreError, UnknownLearner


class StoreBase:
    _conn: Database | None = None
    _clock: Callable[[], float]

    @property
    def conn(self) -> Database:
        if self._conn is None:
            raise StoreError("the store is not open")
        return self._conn

    async def _learner_id(self, tx: Tx, scope: str, user_id: str) -> int:
        """The learner's row id inside an open write transaction, the row locked where the
        backend needs it (`Database.lock_row`); UnknownLearner when there is none."""
        row = await tx.fetchone(
            "SELECT id FROM learners WHERE scope = ? AND user_id = ?" + self.conn.lock_row,
            (scope, user_id),
        )
        if row is None:
            raise UnknownLearner(f"no learner {user_id!r} in scope {scope!r}")
        return int(row[0])
