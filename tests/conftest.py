"""Shared set-up for the tutor-core tests: a fresh SQLite file per test, and a tutor core on
it with the shipped course and a real sandbox. A module overrides `solution_after_failures`
(or `store`) by defining a fixture of the same name."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
