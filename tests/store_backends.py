"""The store contract tests run against each backend: `store` fixtures parametrised with
BACKENDS open a SqliteStore on a fresh file or a PostgresStore on a fresh database.
`database` names that database, for tests that open it more than once (as several bot
processes would)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store import PostgresStore, SqliteStore, Store

BACKENDS = ["sqlite", "postgres"]


@dataclass(frozen=True)
class Database:
    kind: str  # "sqlite" or "postgres"
    location: str  # the file, or the URL

    def store(self, clock: Callable[[], float] = time.time) -> Store:
        """A new store on this database, not yet open."""
        if self.kind == "postgres":
            return PostgresStore(self.location, clock=clock)
        return SqliteStore(self.location, clock=clock)


def database_for(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """`request.param` names the backend; PostgreSQL brings up its server on first use."""
    if request.param == "postgres":
        return Database("postgres", request.getfixturevalue("postgres_url"))
    return Database("sqlite", str(tmp_path / "t.db"))


@asynccontextmanager
async def backend_store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[Store]:
    async with database_for(request, tmp_path).store(clock) as opened:
        yield opened
