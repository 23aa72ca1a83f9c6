"""What must hold across bot processes sharing one database (shards, or the bot and the
terminal): one grading per learner at a time, and per-guild settings that reach every
process within 5 s. Each test opens the database twice, as two processes would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import Learner, TutorCore
from bot.core.errors import AlreadyGrading
from bot.core.scope_config import CACHE_MAX_AGE_S, ScopeConfigs
from bot.store import Store
from lessons import load_course
from lessons.grading import Runner
from tests.store_backends import BACKENDS, Database, database_for


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    return database_for(request, tmp_path)


@pytest.fixture
async def two_stores(database: Database) -> AsyncIterator[tuple[Store, Store]]:
    async with database.store() as first, database.store() as second:
        yield first, second


async def test_a_grading_lease_is_held_once_across_processes(database: Database) -> None:
    clock = Clock()
    async with database.store(clock) as first, database.store(clock) as second:
        assert await first.claim_grading("guild:1", "ada", "process-a", 120)
        assert not await second.claim_grading("guild:1", "ada", "process-b", 120)
        assert not await first.claim_grading("guild:1", "ada", "process-a2", 120)
        # Someone else is free meanwhile.
        assert await second.claim_grading("guild:1", "bob", "process-b", 120)
        await first.release_grading("guild:1", "ada", "process-a")
        assert await second.claim_grading("guild:1", "ada", "process-b", 120)


async def test_a_lease_of_a_dead_process_runs_out(database: Database) -> None:
    clock = Clock()
    async with database.store(clock) as first, database.store(clock) as second:
        assert await first.claim_grading("guild:1", "ada", "dead", 120)
        clock.now += 119
        assert not await second.claim_grading("guild:1", "ada", "alive", 120)
        clock.now += 1
        assert await second.claim_grading("guild:1", "ada", "alive", 120)
        # The dead holder's late release does not free the new holder's lease.
        await first.release_grading("guild:1", "ada", "dead")
        assert not await first.claim_grading("guild:1", "ada", "third", 120)


class HeldRunner:
    """A sandbox whose runs wait until the test lets them go, so a grading stays open."""

    def __init__(self, inner: Runner) -> None:
        self.inner = inner
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def run(self, *args: object, **kwargs: object) -> object:
        self.started.set()
        await self.release.wait()
        return await self.inner.run(*args, **kwargs)  # type: ignore[arg-type]


async def test_one_grading_per_learner_across_two_cores(
    two_stores: tuple[Store, Store], core: TutorCore
) -> None:
    first_store, second_store = two_stores
    course = load_course()
    held = HeldRunner(core.sandbox)
    first = TutorCore(first_store, held, course)  # type: ignore[arg-type]
    second = TutorCore(second_store, core.sandbox, course)
    ada = Learner("guild:1", "ada", "Ada")
    code = f"```python\n{course.lessons[0].solution}\n```"
    grading = asyncio.create_task(first.submit(ada, code))
    await asyncio.wait_for(held.started.wait(), 30)
    with pytest.raises(AlreadyGrading):
        await second.submit(ada, code)
    held.release.set()
    outcome = await grading
    assert outcome.verdict.passed
    # Once the first grading is done, the other process may grade Ada again.
    again = await second.submit(ada, code)
    assert again.attempt_id != outcome.attempt_id
    assert len(await second_store.attempts("guild:1", "ada")) == 2


async def test_a_settings_change_reaches_another_process_within_5_s(
    two_stores: tuple[Store, Store],
) -> None:
    first_store, second_store = two_stores
    clock = Clock()
    here, there = ScopeConfigs(first_store, clock=clock), ScopeConfigs(second_store, clock=clock)
    assert (await there.get("guild:1")).solution_after_failures is None  # now cached there
    await here.set_solution_policy("guild:1", 7, actor="mod:1")
    assert (await here.get("guild:1")).solution_after_failures == 7  # its own change at once
    clock.now += CACHE_MAX_AGE_S
    assert CACHE_MAX_AGE_S <= 5
    assert (await there.get("guild:1")).solution_after_failures == 7
