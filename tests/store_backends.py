"""The store contract tests run against each backend: `store` fixtures parametrised with
BACKENDS open a SqliteStore on a fresh file or a PostgresStore on a fresh database."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.store import PostgresStore, SqliteStore, Store

BACKENDS = ["sqlite", "postgres"]


@asynccontextmanager
async def backend_store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[Store]:
    """`request.param` names the backend; PostgreSQL brings up its server on first use."""
    opened: Store
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        opened = PostgresStore(url, clock=clock)
    else:
        opened = SqliteStore(tmp_path / "t.db", clock=clock)
    async with opened:
        yield opened
