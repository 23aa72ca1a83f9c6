"""What the store needs from a database, so each query is written once for both backends.

SQL is written with `?` placeholders and portable syntax (upserts with RETURNING, row
values); the PostgreSQL adapter numbers the placeholders. Rows come back as tuples.
The few statements that differ between dialects are chosen by `Database.dialect`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, ClassVar, Literal, Protocol

Row = tuple[Any, ...]
Params = Sequence[Any]
Dialect = Literal["sqlite", "postgres"]


class Tx(Protocol):
    """Statements inside one open transaction."""

    async def execute(self, sql: str, params: Params = ()) -> None: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...


class Database(ABC):
    dialect: ClassVar[Dialect]
    # Appended to the SELECT that finds a learner inside a write: on PostgreSQL it locks
    # the learner's row, so one learner's writes from several processes take turns.
    # SQLite's BEGIN IMMEDIATE already makes every write transaction take turns.
    lock_row: ClassVar[str] = ""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """Everything inside commits together or not at all."""

    @abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abstractmethod
    def stream(self, sql: str, params: Params = (), batch: int = 1000) -> AsyncIterator[list[Row]]:
        """Rows in batches from one consistent snapshot, without holding them all in memory
        (a server-side cursor on PostgreSQL, a reader connection of its own on SQLite)."""

    @abstractmethod
    async def close(self) -> None: ...
