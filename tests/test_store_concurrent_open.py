"""Several processes (or connections) opening one new SQLite file at the same moment all
get a usable store: switching the file to WAL is retried while another opener holds it
(a stress run of the suite once saw "database is locked" here)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.store.connection import connect


async def test_many_connections_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(10):
        path = tmp_path / f"new-{round_}.db"
        dbs = await asyncio.gather(*(connect(path) for _ in range(6)))
        try:
            for db in dbs:
                async with db.execute("PRAGMA journal_mode") as cursor:
                    assert await cursor.fetchone() == ("wal",)
        finally:
            for db in dbs:
                await db.close()
