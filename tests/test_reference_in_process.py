"""The reference solution runs in process (trusted code): its result must be exactly the
one the sandbox gives, value for value, on many seeds of every lesson; and a verdict then
costs one sandbox run."""

from __future__ import annotations

import random
from typing import Any

import pytest

from lessons import grade_submission, load_course
from lessons.course import Lesson
from sandbox import Limits, RunResult, Sandbox
from sandbox.trusted_run import run_trusted_in_process
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()
COURSE = load_course()
SEEDS_PER_LESSON = 30
LIMITS = Limits()  # production limits: the reference runs under them in the bot


def _comparable(result: RunResult) -> dict[str, Any]:
    """Everything but the timings; floats as JSON carries them (NaN tagged, so equal)."""
    data = result.to_json()
    del data["wall_ms"], data["cpu_ms"]
    return data


def _seeds(lesson: Lesson) -> list[int]:
    # A few fixed small seeds, and fresh ones each time the suite runs (named on failure).
    return [0, 1, 2, *random.sample(range(2**31), SEEDS_PER_LESSON - 3)]


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.id)
async def test_in_process_reference_equals_the_sandboxed_one(
    sandbox: Sandbox, lesson: Lesson
) -> None:
    for seed in _seeds(lesson):
        data = lesson.data(seed)
        probes = lesson.probes(data)
        boxed = await sandbox.run(lesson.solution, preset=data, probes=probes, limits=LIMITS)
        here = run_trusted_in_process(lesson.solution, preset=data, probes=probes, limits=LIMITS)
        assert boxed.ok, (seed, boxed.message)
        assert _comparable(here) == _comparable(boxed), f"{lesson.id} differs on seed {seed}"


async def test_learner_results_match_too_so_the_comparison_can_fail(sandbox: Sandbox) -> None:
    """The same comparison tells a wrong answer from the reference, and finds an error
    (its type, message and line) the same way in both."""
    lesson = COURSE.lessons[0]
    data = lesson.data(5)
    probes = lesson.probes(data)
    wrong = lesson.solution + "\ntotal = total + 1\n"
    broken = lesson.solution + "\nundefined_name\n"
    reference = run_trusted_in_process(lesson.solution, preset=data, probes=probes)
    for code in (wrong, broken):
        boxed = await sandbox.run(code, preset=data, probes=probes, limits=LIMITS)
        here = run_trusted_in_process(code, preset=data, probes=probes, limits=LIMITS)
        assert _comparable(here) == _comparable(boxed)
        assert _comparable(here) != _comparable(reference)


class CountingRunner:
    def __init__(self, inner: Sandbox) -> None:
        self.inner = inner
        self.codes: list[str] = []

    async def run(self, code: str, **kwargs: Any) -> RunResult:
        self.codes.append(code)
        return await self.inner.run(code, **kwargs)


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.id)
async def test_a_verdict_costs_one_sandbox_run_and_the_reference_none(
    sandbox: Sandbox, lesson: Lesson
) -> None:
    runner = CountingRunner(sandbox)
    wrong = lesson.solution + "\n# a learner's version\n"
    for code in (lesson.solution, wrong):
        verdict = await grade_submission(lesson, code, runner)
        assert verdict.passed, verdict.message
    # Two verdicts, two runs: each the learner's code; the reference never went to the
    # sandbox (it is trusted, so it runs in process on fresh data each time).
    assert runner.codes == [lesson.solution, wrong]
