"""Run a lesson's data generator on thousands of seeds: each must end fast with valid data.

`check-lessons` runs this on every lesson. The generator runs alone (no sandbox), in a
daemon thread, so a seed that never ends is reported instead of hanging the sweep.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from lessons.lesson import Lesson

SWEEP_SEEDS = 10_000
SEED_BUDGET_S = 0.020
# A seed still running after this long is reported as never ending, and the sweep stops.
HANG_AFTER_S = 2.0
MAX_LISTED = 5  # problems listed per lesson; the rest are counted


@dataclass
class SweepReport:
    lesson: Lesson
    seeds: int
    problems: list[str] = field(default_factory=list)
    slowest_ms: float = 0.0
    elapsed_s: float = 0.0
    found: int = 0  # problems found, listed or not

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = f"{self.lesson.number}. {self.lesson.id}: data"
        if self.problems:
            return f"{head}: {self.found} problem(s) in {self.seeds} seeds"
        return (
            f"{head} valid on {self.seeds} seeds, slowest {self.slowest_ms:.1f} ms "
            f"(budget {SEED_BUDGET_S * 1000:.0f} ms), {self.elapsed_s:.1f} s in all"
        )

    def add(self, problem: str) -> None:
        self.found += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)


def sweep_data(
    lesson: Lesson,
    seeds: int = SWEEP_SEEDS,
    *,
    budget_s: float = SEED_BUDGET_S,
    hang_after_s: float = HANG_AFTER_S,
) -> SweepReport:
    """Generate and check the data of seeds 0 .. seeds-1. A seed fails if the generator
    takes more than `budget_s` of CPU time on it (measured twice, so a hiccup of a busy
    machine is not blamed on the lesson) or its data breaks `lesson.data_problems`."""
    report = SweepReport(lesson, seeds)
    started = time.perf_counter()
    progress = _Progress()
    worker = threading.Thread(
        target=_sweep, args=(lesson, seeds, budget_s, report, progress), daemon=True
    )
    worker.start()
    while not progress.done.wait(hang_after_s / 4):
        seed, since = progress.current
        if time.perf_counter() - since > hang_after_s:
            # The thread cannot be stopped; as a daemon it does not keep the process alive.
            report.add(f"seed {seed}: make_data did not end within {hang_after_s:g} s")
            break
    report.elapsed_s = time.perf_counter() - started
    if report.found > len(report.problems):
        report.problems.append(f"... and {report.found - len(report.problems)} more")
    return report


class _Progress:
    def __init__(self) -> None:
        self.current = (0, time.perf_counter())
        self.done = threading.Event()


def _sweep(
    lesson: Lesson, seeds: int, budget_s: float, report: SweepReport, progress: _Progress
) -> None:
    try:
        for seed in range(seeds):
            progress.current = (seed, time.perf_counter())
            took, problems = _timed_check(lesson, seed)
            if took > budget_s:
                took = min(took, _timed_check(lesson, seed)[0])
            report.slowest_ms = max(report.slowest_ms, took * 1000)
            if took > budget_s:
                report.add(f"seed {seed}: make_data took {took * 1000:.0f} ms")
            for problem in problems:
                report.add(f"seed {seed}: {problem}")
    except Exception as exc:  # a generator that raises is a finding, not a crash
        report.add(f"seed {progress.current[0]}: make_data raised {exc!r}")
    finally:
        progress.done.set()


def _timed_check(lesson: Lesson, seed: int) -> tuple[float, list[str]]:
    """CPU seconds the generator took on `seed`, and how its data breaks the constraints."""
    started = time.thread_time()
    data = lesson.data(seed)
    took = time.thread_time() - started
    return took, lesson.data_problems(data)
