"""Grade one submission: run it and the reference solution on the same fresh data."""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from lessons.deadline import GraderOverrun, call_with_deadline
from lessons.judge import is_unchanged_starter, judge, not_attempted
from lessons.lesson import Lesson
from lessons.verdict import Verdict
from sandbox.limits import Limits
from sandbox.result import RunResult
from sandbox.trusted_run import run_trusted_in_process


class Runner(Protocol):
    """The part of `sandbox.Sandbox` grading uses; tests may pass anything shaped like it."""

    async def run(
        self,
        code: str,
        *,
        preset: dict[str, Any] | None = None,
        probes: dict[str, str] | None = None,
        limits: Limits | None = None,
        on_queued: Callable[[], Awaitable[None]] | None = None,
    ) -> RunResult: ...


class GradingError(RuntimeError):
    """Our fault, not the learner's: the reference solution did not run cleanly, or trusted
    lesson code (data, probes, judging) raised or overran its deadline."""


@dataclass(frozen=True)
class Deadlines:
    """How long trusted grading steps may take before the grader gives up on the attempt."""

    trusted_s: float = 10.0  # generating the data and probes; judging (each, in a thread)
    reference_s: float = 10.0  # the reference solution's in-process run (a few ms)


DEFAULT_DEADLINES = Deadlines()
T = TypeVar("T")


# Reference runs keyed by (lesson, seed, solution): a fixed seed (check-lessons, replays)
# then costs one reference run instead of one per submission.
_REFERENCE_CACHE: OrderedDict[tuple[str, int, str], RunResult] = OrderedDict()
_REFERENCE_CACHE_SIZE = 64


def fresh_seed() -> int:
    return secrets.randbelow(2**31)


async def grade_submission(
    lesson: Lesson,
    code: str,
    sandbox: Runner,
    *,
    seed: int | None = None,
    limits: Limits | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
    on_queued: Callable[[], Awaitable[None]] | None = None,
) -> Verdict:
    """The verdict on `code` (already extracted from the message) for `lesson`.
    `on_queued` is the sandbox's: awaited when the run has to wait for a free worker."""
    seed = fresh_seed() if seed is None else seed
    if is_unchanged_starter(lesson, code):
        return not_attempted(lesson, seed=seed)
    return await run_and_judge(
        lesson, code, sandbox, seed=seed, limits=limits, deadlines=deadlines, on_queued=on_queued
    )


async def run_and_judge(
    lesson: Lesson,
    code: str,
    sandbox: Runner,
    *,
    seed: int,
    limits: Limits | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
    on_queued: Callable[[], Awaitable[None]] | None = None,
) -> Verdict:
    """Grade without the "not attempted" shortcut (check-lessons uses it on the starter).

    Trusted lesson code never runs on the event loop: data, probes and judging run in
    threads with a deadline, and the reference run has one too. Any of them overrunning or
    raising is a GradingError naming the lesson and the seed."""

    def data_and_probes() -> tuple[dict[str, Any], dict[str, str]]:
        data = lesson.data(seed)
        return data, lesson.probes(data)

    data, probes = await trusted_step(
        data_and_probes, "generating the data", lesson, seed, deadlines
    )
    # The reference solution is trusted repository code: it runs in this process on a
    # worker thread (sandbox.trusted_run), beside the learner's sandbox run, so a verdict
    # costs one sandbox run. The data is still fresh per submission.
    run, reference_result = await asyncio.gather(
        sandbox.run(code, preset=data, probes=probes, limits=limits, on_queued=on_queued),
        reference_run(
            lesson, seed=seed, data=data, probes=probes, limits=limits, deadlines=deadlines
        ),
    )
    return await trusted_step(
        lambda: judge(lesson, run, reference_result, data, seed, code=code),
        "judging",
        lesson,
        seed,
        deadlines,
    )


async def trusted_step(
    fn: Callable[[], T],
    what: str,
    lesson: Lesson,
    seed: int,
    deadlines: Deadlines,
    *,
    deadline_s: float | None = None,
) -> T:
    where = f"{what} for {lesson.id!r} with seed {seed}"
    deadline_s = deadlines.trusted_s if deadline_s is None else deadline_s
    try:
        return await call_with_deadline(fn, deadline_s=deadline_s, what=where)
    except GraderOverrun as exc:
        raise GradingError(str(exc)) from None
    except Exception as exc:
        raise GradingError(f"{where} raised {exc!r}") from exc


async def reference_run(
    lesson: Lesson,
    *,
    seed: int,
    data: Mapping[str, Any],
    probes: dict[str, str],
    limits: Limits | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> RunResult:
    """What the sandbox gives for the lesson's reference solution on `data`, computed in
    process (exactly: tests/test_reference_in_process.py compares both on many seeds)."""
    key = (lesson.id, seed, lesson.solution)
    cached = _REFERENCE_CACHE.get(key)
    if cached is not None:
        _REFERENCE_CACHE.move_to_end(key)
        return cached
    result = await trusted_step(
        lambda: run_trusted_in_process(lesson.solution, preset=data, probes=probes, limits=limits),
        "the reference run",
        lesson,
        seed,
        deadlines,
        deadline_s=deadlines.reference_s,
    )
    broken = [name for name, probe in result.probes.items() if not probe.ok]
    if not result.ok or broken:
        detail = result.message or (result.error and result.error.message) or f"probes {broken}"
        raise GradingError(
            f"the reference solution of {lesson.id!r} failed ({result.status.value}): {detail}"
        )
    _REFERENCE_CACHE[key] = result
    if len(_REFERENCE_CACHE) > _REFERENCE_CACHE_SIZE:
        _REFERENCE_CACHE.popitem(last=False)
    return result
