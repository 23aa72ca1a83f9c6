"""The PostgreSQL store: a pool of connections to a server several bot processes share,
migrated at open. Selected by DATABASE_URL=postgresql://..."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.interface import Store
from bot.store.pg_connection import PgConnection, create_pool, redacted
from bot.store.pg_migrate import migrate


class PostgresStore(Store):
    """Use as `async with PostgresStore(url) as store:`; `clock` is injectable for tests."""

    def __init__(
        self, url: str, *, clock: Callable[[], float] = time.time, pool_size: int = 10
    ) -> None:
        self.url = url
        self._clock = clock
        self._pool_size = pool_size
        self._conn: PgConnection | None = None

    def __repr__(self) -> str:
        return f"PostgresStore({redacted(self.url)!r})"

    @property
    def conn(self) -> PgConnection:
        conn = super().conn
        assert isinstance(conn, PgConnection)
        return conn

    async def open(self) -> PostgresStore:
        pool = await create_pool(self.url, self._pool_size)
        try:
            async with pool.acquire() as con:
                self.schema_version = await migrate(con)
        except BaseException:
            await pool.close()
            raise
        self._conn = PgConnection(pool)
        return self

    async def __aenter__(self) -> PostgresStore:
        return await self.open()
