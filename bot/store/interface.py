"""The one store contract: every method written once, over either backend.

`Store` is what the tutor core and the front ends use. Its methods are defined in one
module per concern; `SqliteStore` and `PostgresStore` differ only in how they open the
database (and in the few statements `Database.dialect` picks), so both satisfy the same
contract tests (tests/test_store_*.py run against each).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType

from bot.store.attempts import Attempts
from bot.store.audit import AuditLog
from bot.store.leaderboard import Leaderboard
from bot.store.learners import Learners
from bot.store.leases import Leases
from bot.store.moderation import Moderation
from bot.store.reveals import Reveals
from bot.store.scope_stats import ScopeStats


class Store(
    Learners, Attempts, Reveals, Leaderboard, Moderation, AuditLog, ScopeStats, Leases, ABC
):
    """Use as `async with SomeStore(...) as store:`; a backend implements `open`."""

    schema_version = 0

    @abstractmethod
    async def open(self) -> Store:
        """Connect and migrate; the backend's own."""

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
