"""SQLite: the one aiosqlite connection the app owns, and how it is used safely from many tasks.

aiosqlite runs every statement on one thread in order, but coroutines interleave between
awaits: without a lock, task B's statements would land inside task A's open transaction.
So every use of the connection, read or write, holds one asyncio lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.database import Database, Params, Row
from bot.store.errors import CannotOpen

# Another process (a second bot, or the terminal on the same file) may hold the write
# lock briefly; wait for it rather than failing the learner's submission.
BUSY_TIMEOUT_MS = 10_000


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open the file, creating it and its folders; CannotOpen says why it can't be used."""
    try:
        # Tried first on a plain thread: when aiosqlite fails to open a file, its worker
        # thread outlives the event loop and dies with a traceback of its own.
        await asyncio.to_thread(_create_and_try, str(path))
    except (OSError, sqlite3.Error) as error:
        raise CannotOpen(path, _reason(error)) from error
    # isolation_level=None: we write BEGIN/COMMIT ourselves, nothing implicit.
    db = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        # The first statement that reads the file: a file that is not SQLite fails here.
        await _switch_to_wal(db)
        # FULL: a committed attempt survives power loss, not only a crash of the bot.
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("PRAGMA foreign_keys = ON")
    except BaseException as error:
        await db.close()
        if isinstance(error, sqlite3.Error):
            raise CannotOpen(path, _reason(error)) from error
        raise
    return db


async def _switch_to_wal(db: aiosqlite.Connection) -> None:
    """Two processes opening a new file at once can both try to switch it to WAL, and
    SQLite then answers "database is locked" without waiting on the busy timeout: retry,
    within that same timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.05)


def _create_and_try(path: str) -> None:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(path).close()


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


class SqliteTx:
    """Statements inside the transaction `Connection.transaction` opened."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def execute(self, sql: str, params: Params = ()) -> None:
        await (await self.db.execute(sql, params)).close()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.db.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]


class Connection(Database):
    """Serialised access to one aiosqlite connection."""

    dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection, path: str | Path = ":memory:") -> None:
        self.db = db
        self.path = path
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        async with self._lock:
            # IMMEDIATE takes the write lock now, so a concurrent writer in another
            # process waits at BEGIN instead of failing halfway through.
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTx(self.db)
            except BaseException:
                await self.db.rollback()
                raise
            await self.db.commit()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await SqliteTx(self.db).fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._lock:
            return await SqliteTx(self.db).fetchone(sql, params)

    async def stream(
        self, sql: str, params: Params = (), batch: int = 1000
    ) -> AsyncIterator[list[Row]]:
        # A reader connection of its own: WAL gives it one snapshot while the bot keeps
        # writing on the main connection, which a long export must not hold up.
        reader = await aiosqlite.connect(str(self.path))
        try:
            await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            await reader.execute("BEGIN")  # one snapshot for the whole walk
            async with reader.execute(sql, params) as cursor:
                while rows := await cursor.fetchmany(batch):
                    yield [tuple(row) for row in rows]
        finally:
            await reader.close()

    async def close(self) -> None:
        async with self._lock:
            await self.db.close()
