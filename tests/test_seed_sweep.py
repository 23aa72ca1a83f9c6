"""The seed sweep of `check-lessons`: a generator that hangs, dawdles or breaks its lesson's
constraints on one seed out of many is named, and the sweep itself always ends."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from bot.cli import main
from lessons import load_course
from lessons.course import Lesson
from lessons.seed_sweep import sweep_data

LESSON = load_course().get("numpy-basics")


def _with_generator(make_data: Any, check_data: Any = None) -> Lesson:
    changes: dict[str, Any] = {"_make_data": make_data}
    if check_data is not None:
        changes["_check_data"] = check_data
    return dataclasses.replace(LESSON, **changes)


def _seed_of(rng: np.random.Generator) -> int:
    # The lesson sees only the generator; its first draw tells the seeds apart.
    return int(rng.integers(2**31))


FIRST_DRAWS = {_seed_of(np.random.default_rng(seed)): seed for seed in range(50)}


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # lets a "hanging" generator thread finish after the test


def test_a_seed_that_never_ends_is_named_and_the_sweep_ends(release: threading.Event) -> None:
    def hangs_on_seed_7(rng: np.random.Generator) -> dict[str, Any]:
        if FIRST_DRAWS[_seed_of(rng)] == 7:
            release.wait()
        return LESSON.data(1)

    started = time.perf_counter()
    report = sweep_data(_with_generator(hangs_on_seed_7), 50, hang_after_s=0.5)
    assert time.perf_counter() - started < 30
    assert report.problems == ["seed 7: make_data did not end within 0.5 s"]


def test_a_slow_seed_is_named() -> None:
    def slow_on_seed_3(rng: np.random.Generator) -> dict[str, Any]:
        if FIRST_DRAWS[_seed_of(rng)] == 3:
            started = time.thread_time()
            while time.thread_time() - started < 0.05:  # CPU work, as a redraw loop would do
                pass
        return LESSON.data(1)

    report = sweep_data(_with_generator(slow_on_seed_3), 20)
    assert len(report.problems) == 1
    assert report.problems[0].startswith("seed 3: make_data took ")
    assert report.slowest_ms >= 50


def test_data_breaking_the_constraints_is_named() -> None:
    def zero_sum_on_seed_11(rng: np.random.Generator) -> dict[str, Any]:
        if FIRST_DRAWS[_seed_of(rng)] == 11:
            return {"a": np.array([1.0, -1.0, 2.0, -2.0]), "b": np.ones(4)}
        return LESSON.data(1)

    report = sweep_data(_with_generator(zero_sum_on_seed_11), 30)
    assert report.problems == ["seed 11: sum(a) is within 0.5 of 0, so the sum passes as the mean"]


def test_a_generator_that_raises_is_named() -> None:
    def raises(rng: np.random.Generator) -> dict[str, Any]:
        raise ValueError("no data today")

    report = sweep_data(_with_generator(raises), 10)
    assert report.problems == ["seed 0: make_data raised ValueError('no data today')"]


def test_many_problems_are_counted_not_all_listed() -> None:
    report = sweep_data(_with_generator(LESSON._make_data, lambda data: ["bad"]), 40)
    assert report.problems[:5] == [f"seed {seed}: bad" for seed in range(5)]
    assert report.problems[-1] == "... and 35 more"
    assert "40 problem(s) in 40 seeds" in report.summary()


def test_check_lessons_sweeps_every_lesson(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--env-file", "/nonexistent/.env", "check-lessons", "--seeds", "1", "--sweep", "30"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for lesson in load_course():
        assert f"ok    {lesson.number}. {lesson.id}: data valid on 30 seeds, slowest " in out


def test_a_negative_sweep_is_a_usage_error() -> None:
    assert main(["--env-file", "/nonexistent/.env", "check-lessons", "--sweep", "-1"]) == 2
