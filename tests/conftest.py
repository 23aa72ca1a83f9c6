"""Shared set-up. For the tutor-core tests: a fresh SQLite file per test, and a tutor core on
it with the shipped course and a real sandbox; a module overrides `solution_after_failures`
(or `store`) by defining a fixture of the same name. For the OS-layer tests: a secret file
and a TCP listener for a sandboxed child to try to reach."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core import TutorCore
from bot.store import SqliteStore
from lessons import load_course
from sandbox import Limits, Sandbox


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
