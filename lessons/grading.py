"""Grade one submission: run it and the reference solution on the same fresh data."""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Protocol

from lessons.course import Lesson
from lessons.judge import is_unchanged_starter, judge, not_attempted
from lessons.verdict import Verdict
from sandbox.limits import Limits
from sandbox.result import RunResult


class Runner(Protocol):
    """The part of `sandbox.Sandbox` grading uses; tests may pass anything shaped like it."""

    async def run(
        self,
        code: str,
        *,
        preset: dict[str, Any] | None = None,
        probes: dict[str, str] | None = None,
        limits: Limits | None = None,
    ) -> RunResult: ...


class GradingError(RuntimeError):
    """Our fault, not the learner's: the reference solution did not run cleanly."""


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
) -> Verdict:
    """The verdict on `code` (already extracted from the message) for `lesson`."""
    seed = fresh_seed() if seed is None else seed
    if is_unchanged_starter(lesson, code):
        return not_attempted(lesson, seed=seed)
    return await run_and_judge(lesson, code, sandbox, seed=seed, limits=limits)


async def run_and_judge(
    lesson: Lesson, code: str, sandbox: Runner, *, seed: int, limits: Limits | None = None
) -> Verdict:
    """Grade without the "not attempted" shortcut (check-lessons uses it on the starter)."""
    data = lesson.data(seed)
    probes = lesson.probes(data)
    run, reference = await asyncio.gather(
        sandbox.run(code, preset=data, probes=probes, limits=limits),
        reference_run(lesson, sandbox, seed=seed, data=data, probes=probes, limits=limits),
    )
    # Some checks simulate training or take numerical gradients: a few ms, off the event loop.
    return await asyncio.to_thread(judge, lesson, run, reference, data, seed, code=code)


async def reference_run(
    lesson: Lesson,
    sandbox: Runner,
    *,
    seed: int,
    data: Mapping[str, Any],
    probes: dict[str, str],
    limits: Limits | None = None,
) -> RunResult:
    key = (lesson.id, seed, lesson.solution)
    cached = _REFERENCE_CACHE.get(key)
    if cached is not None:
        _REFERENCE_CACHE.move_to_end(key)
        return cached
    result = await sandbox.run(lesson.solution, preset=dict(data), probes=probes, limits=limits)
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
