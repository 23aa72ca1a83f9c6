"""Every lesson's data generator ends, by construction, with data its lesson accepts."""

from __future__ import annotations

import importlib.util
import shutil
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from lessons import load_course
from lessons.course import Lesson
from lessons.generating import first_valid
from lessons.loading import LessonFormatError, read_lesson_folder

COURSE = load_course()
LESSON_IDS = [lesson.id for lesson in COURSE]


def _checks_module(lesson: Lesson) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"checks_of_{lesson.path.name}", lesson.path / "checks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data_within(lesson: Lesson, seed: int, seconds: float = 10.0) -> dict[str, Any]:
    """The lesson's data for `seed`, failing (not hanging) if the generator does not end."""
    found: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: found.append(lesson.data(seed)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert found, f"{lesson.id}: make_data did not end within {seconds} s on seed {seed}"
    return found[0]


@pytest.mark.parametrize("seed", [211, 259, 274])
def test_the_seeds_that_froze_lesson_3_end_with_valid_data(seed: int) -> None:
    lesson = COURSE.get("two-layer-network")
    data = _data_within(lesson, seed)
    assert lesson.data_problems(data) == []
    predictions = np.maximum(0, data["X"] @ data["W1"] + data["b1"]) @ data["W2"] + data["b2"]
    assert np.any(predictions > 0) and np.any(predictions < 0)


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_the_fallback_keeps_the_lessons_constraints(lesson_id: str) -> None:
    lesson = COURSE.get(lesson_id)
    fallback = _checks_module(lesson)._fallback()
    assert lesson.data_problems(fallback) == []


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_the_generator_keeps_the_lessons_constraints_on_many_seeds(lesson_id: str) -> None:
    lesson = COURSE.get(lesson_id)
    for seed in range(300):  # check-lessons sweeps 10,000; this keeps the suite quick
        assert lesson.data_problems(_data_within(lesson, seed)) == [], seed


@pytest.mark.parametrize("lesson_id", LESSON_IDS)
def test_data_every_draw_of_which_is_rejected_ends_in_the_fallback(lesson_id: str) -> None:
    module = _checks_module(COURSE.get(lesson_id))
    draws = 0

    def rejected(data: Any) -> list[str]:
        return ["never good enough"]

    def draw(rng: np.random.Generator) -> dict[str, Any]:
        nonlocal draws
        draws += 1
        return dict(module._draw(rng))

    data = first_valid(np.random.default_rng(1), draw, rejected, module._fallback, max_draws=5)
    assert draws == 5
    assert data.keys() == module._fallback().keys()


def test_the_checks_name_the_broken_constraint() -> None:
    lesson = COURSE.get("two-layer-network")
    data = dict(lesson.data(1), b2=0.0)
    assert lesson.data_problems(data) == ["b2 is within 0.1 of 0"]
    numpy_basics = COURSE.get("numpy-basics")
    zero_sum = {"a": np.array([1.0, -1.0, 2.0, -2.0]), "b": np.array([1.0, 2.0, 3.0, 4.0])}
    assert numpy_basics.data_problems(zero_sum) == [
        "sum(a) is within 0.5 of 0, so the sum passes as the mean"
    ]
    assert numpy_basics.data_problems({"a": np.array([1.0, np.nan, 2.0, 3.0]), "b": np.ones(4)})


def test_a_lesson_without_check_data_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lesson"
    shutil.copytree(COURSE.get("numpy-basics").path, folder)
    checks = folder / "checks.py"
    checks.write_text(checks.read_text().replace("def check_data(", "def _renamed("))
    with pytest.raises(LessonFormatError, match="must define check_data"):
        read_lesson_folder(folder)
