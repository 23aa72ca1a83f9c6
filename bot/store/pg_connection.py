"""PostgreSQL: a pool of asyncpg connections shared by the bot's tasks.

Unlike SQLite there is no process-wide lock: each transaction takes a connection of its own,
and rows a transaction must own (a learner being written) are locked in the database, so
several bot processes on one database take turns where they must and only there.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.store.database import Database, Params, Row
from bot.store.errors import CannotOpen

POOL_SIZE = 10
_PLACEHOLDER = re.compile(r"'[^']*'|\?")


@functools.lru_cache(maxsize=256)
def numbered(sql: str) -> str:
    """`?` placeholders as asyncpg's `$1, $2, ...` (string literals are left alone)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match[0] != "?":
            return match[0]
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


async def create_pool(url: str, size: int = POOL_SIZE) -> asyncpg.Pool:
    try:
        pool = await asyncpg.create_pool(url, min_size=1, max_size=size, command_timeout=60)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as error:
        raise CannotOpen(
            redacted(url), str(error) or type(error).__name__, "DATABASE_URL"
        ) from error
    assert pool is not None
    return pool


class PgTx:
    def __init__(self, con: asyncpg.Connection) -> None:
        self.con = con

    async def execute(self, sql: str, params: Params = ()) -> None:
        await self.con.execute(numbered(sql), *params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self.con.fetchrow(numbered(sql), *params)
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self.con.fetch(numbered(sql), *params)]


class PgConnection(Database):
    dialect = "postgres"
    lock_row = " FOR UPDATE"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
        async with self.pool.acquire() as con, con.transaction():
            yield PgTx(con)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = await self.pool.fetchrow(numbered(sql), *params)
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(row) for row in await self.pool.fetch(numbered(sql), *params)]

    async def stream(
        self, sql: str, params: Params = (), batch: int = 1000
    ) -> AsyncIterator[list[Row]]:
        # A server-side cursor in a read-only snapshot: the server holds the rows, we hold
        # one batch at a time.
        async with (
            self.pool.acquire() as con,
            con.transaction(readonly=True, isolation="repeatable_read"),
        ):
            cursor = await con.cursor(numbered(sql), *params)
            while rows := await cursor.fetch(batch):
                yield [tuple(row) for row in rows]

    async def close(self) -> None:
        await self.pool.close()
