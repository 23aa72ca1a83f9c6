"""Trusted lesson code that hangs or breaks: the learner gets "the grader had a problem"
with an error id, the attempt is not counted, the log names lesson and seed, and the tutor
keeps serving everyone meanwhile."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from bot.core import GraderProblem, Learner, TutorCore
from bot.store import SqliteStore
from lessons import Course, load_course
from lessons.grading import Deadlines
from sandbox import Limits, Sandbox
from sandbox.result import RunResult, Status

COURSE = load_course()
FIRST = COURSE.lessons[0]
ADA, BOB = Learner("guild:1", "ada", "Ada"), Learner("guild:1", "bob", "Bob")
QUICK = Deadlines(trusted_s=0.5, reference_s=0.5)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # ends the spinning generator thread the test abandoned


def _course_with_first(**changes: Any) -> Course:
    return Course([dataclasses.replace(FIRST, **changes), *COURSE.lessons[1:]])


async def _wait_for(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.01)


async def test_a_generator_that_never_ends_costs_one_attempt_nothing_and_nobody_waits(
    store: SqliteStore, release: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    spinning, calls = threading.Event(), []
    give_up = time.monotonic() + 10  # so that, were it run on the event loop, the test fails

    def spins_the_first_time(rng: np.random.Generator) -> dict[str, Any]:
        calls.append(1)
        while len(calls) == 1 and not release.is_set() and time.monotonic() < give_up:
            spinning.set()  # busy, like a redraw loop that never ends
        return FIRST.data(1)

    course = _course_with_first(_make_data=spins_the_first_time)
    async with Sandbox(workers=2, limits=Limits(timeout_s=2.0)) as sandbox:
        core = TutorCore(store, sandbox, course, deadlines=QUICK)
        submitting = asyncio.create_task(core.submit(ADA, FIRST.solution))
        await _wait_for(spinning)
        # The generator is stuck, yet the tutor answers another learner.
        assert (await core.list_lessons(BOB))[0].lesson.id == FIRST.id
        assert not release.is_set()
        with (
            caplog.at_level(logging.ERROR, logger="bot.core.service"),
            pytest.raises(GraderProblem) as problem,
        ):
            await submitting
        message = problem.value.message
        assert message.startswith("The grader had a problem, please try again (error id ")
        assert problem.value.error_id in message
        [record] = [r for r in caplog.records if problem.value.error_id in r.getMessage()]
        assert f"lesson={FIRST.id} seed=" in record.getMessage()
        assert "generating the data" in record.getMessage()
        assert await store.attempts("guild:1", "ada") == []
        # Nothing was counted, and the next attempt is graded as usual.
        outcome = await core.submit(ADA, FIRST.solution)
        assert outcome.verdict.passed
        assert len(await store.attempts("guild:1", "ada")) == 1


async def test_lesson_code_that_raises_is_a_grader_problem_too(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_probes(data: Any) -> dict[str, str]:
        raise KeyError("x")

    course = _course_with_first(_probes=broken_probes)
    core = TutorCore(store, _MustNotRun(), course, deadlines=QUICK)
    with caplog.at_level(logging.ERROR, logger="bot.core.service"), pytest.raises(GraderProblem):
        await core.submit(ADA, FIRST.solution)
    assert "raised KeyError('x')" in caplog.text and f"lesson={FIRST.id}" in caplog.text
    assert await store.attempts("guild:1", "ada") == []


async def test_a_reference_run_that_overruns_is_a_grader_problem(
    store: SqliteStore,
    caplog: pytest.LogCaptureFixture,
    release: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The reference solution runs in process (trusted code, on a worker thread): here it
    # hangs until the test ends, and the 0.5 s deadline gives up on it.
    def hangs(code: str, **kwargs: Any) -> RunResult:
        release.wait(30)
        return RunResult(status=Status.OK)

    monkeypatch.setattr("lessons.grading.run_trusted_in_process", hangs)
    core = TutorCore(store, _Answers(), COURSE, deadlines=QUICK)
    with caplog.at_level(logging.ERROR, logger="bot.core.service"), pytest.raises(GraderProblem):
        await core.submit(ADA, FIRST.solution.replace("\n", "\n\n"))
    assert "the reference run for 'numpy-basics' with seed" in caplog.text
    assert "did not finish within 0.5 s" in caplog.text
    assert await store.attempts("guild:1", "ada") == []


class _MustNotRun:
    async def run(self, code: str, **kwargs: Any) -> RunResult:
        raise AssertionError("grading should have stopped before the sandbox")


class _Answers:
    """The learner's run; the reference never comes here (it runs in process)."""

    async def run(self, code: str, **kwargs: Any) -> RunResult:
        return RunResult(status=Status.OK)
