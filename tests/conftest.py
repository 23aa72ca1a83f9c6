"""Shared set-up. For the tutor-core tests: a fresh SQLite file per test, and a tutor core on
it with the shipped course and a real sandbox; a module overrides `solution_after_failures`
(or `store`) by defining a fixture of the same name. For PostgreSQL: one throwaway server
per session and a fresh database per test (`postgres_url`). For the OS-layer tests: a secret file
and a TCP listener for a sandboxed child to try to reach."""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core import TutorCore
from bot.store import SqliteStore
from lessons import load_course
from sandbox import Limits, Sandbox
from tests.postgres_server import Cluster, Unavailable, database_url, start_cluster


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    async with SqliteStore(tmp_path / "t.db") as opened:
        yield opened


@pytest.fixture
def solution_after_failures() -> int:
    return 2  # low, so a test reaches the solution in a couple of wrong answers


@pytest.fixture
async def core(store: SqliteStore, solution_after_failures: int) -> AsyncIterator[TutorCore]:
    async with Sandbox(workers=2, limits=Limits(timeout_s=2.0)) as sandbox:
        yield TutorCore(
            store, sandbox, load_course(), solution_after_failures=solution_after_failures
        )


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret" / "token.txt"
    path.parent.mkdir()
    path.write_text("s3cr3t")
    path.chmod(0o600)
    return path


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP listener on 127.0.0.1 in the host's network namespace; the kernel completes
    connections into its backlog, so nothing needs to accept them."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Cluster]:
    """A PostgreSQL server for the session. Without one the tests that need it are skipped,
    saying why; in CI (CI=true) that is a failure instead."""
    try:
        cluster = start_cluster()
    except Unavailable as why:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is required in CI: {why}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_server: Cluster) -> Iterator[str]:
    """A new, empty database on the session's server, dropped afterwards. (A plain fixture,
    so a store fixture can ask for it only when its parameter is PostgreSQL.)"""
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    postgres_server.admin(f'CREATE DATABASE "{name}"')
    yield database_url(postgres_server.url, name)
    postgres_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
