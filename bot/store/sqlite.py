"""The SQLite store: one file, one connection owned by the app, migrated at open."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.store.connection import Connection, connect
from bot.store.interface import Store
from bot.store.migrate import migrate


class SqliteStore(Store):
    """Use as `async with SqliteStore(path) as store:`; `clock` is injectable for tests."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._conn: Connection | None = None

    @property
    def conn(self) -> Connection:
        conn = super().conn
        assert isinstance(conn, Connection)
        return conn

    async def open(self) -> SqliteStore:
        db = await connect(self.path)
        try:
            self.schema_version = await migrate(db)
        except BaseException:
            await db.close()
            raise
        self._conn = Connection(db, self.path)
        return self

    async def __aenter__(self) -> SqliteStore:
        return await self.open()
