"""The course loads from its folders, in order, and every lesson has what the format requires."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from lessons.course import LESSONS_DIR, Lesson, load_course, read_course
from lessons.loading import LessonFormatError, read_lesson_folder

COURSE = load_course()
LESSONS = COURSE.lessons


def test_the_course_has_the_six_lessons_in_order() -> None:
    assert [lesson.id for lesson in LESSONS][:6] == [
        "numpy-basics",
        "a-single-neuron",
        "two-layer-network",
        "how-models-learn",
        "training-loop",
        "backpropagation",
    ]


def test_lessons_are_numbered_in_order() -> None:
    assert [lesson.number for lesson in LESSONS] == list(range(1, len(LESSONS) + 1))
    orders = [lesson.order for lesson in LESSONS]
    assert orders == sorted(orders)


def test_get_and_find() -> None:
    lesson = COURSE.get("how-models-learn")
    assert lesson.title == "How models learn"
    assert COURSE.find("how-models-learn") is lesson
    assert COURSE.find(lesson.number) is lesson
    assert COURSE.find(str(lesson.number)) is lesson
    assert COURSE.find("no-such-lesson") is None
    assert COURSE.find(0) is None
    with pytest.raises(KeyError):
        COURSE.get("no-such-lesson")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_lesson_has_every_part(lesson: Lesson) -> None:
    assert len(lesson.hints) >= 2 and all(lesson.hints)
    assert lesson.explanation.strip() and lesson.task.strip()
    assert "```python" in lesson.explanation or "`" in lesson.explanation
    assert "$" not in lesson.explanation, "Discord renders no LaTeX"
    assert not lesson.explanation.startswith("#"), "front ends show the title themselves"
    assert lesson.fixtures, "every lesson keeps typical wrong submissions"
    compile(lesson.starter_code, "starter.py", "exec")
    compile(lesson.solution, "solution.py", "exec")
    assert "mypy" not in lesson.starter_code and "mypy" not in lesson.solution


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_starter_names_every_predefined_variable(lesson: Lesson) -> None:
    for name in lesson.data(1):
        assert f" {name}" in lesson.starter_code or f"{name}," in lesson.starter_code, name
    assert "import numpy as np" in lesson.starter_code


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_data_changes_with_the_seed_and_only_with_it(lesson: Lesson) -> None:
    first, again, other = lesson.data(1), lesson.data(1), lesson.data(2)
    assert first.keys() == other.keys()
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert any(not np.array_equal(first[k], other[k]) for k in first)
    assert lesson.probes(first) == lesson.probes(again)


def _copy_lesson(tmp_path: Path, folder: str = "how_models_learn") -> Path:
    target = tmp_path / folder
    shutil.copytree(LESSONS_DIR / folder, target)
    return target


def test_a_lesson_is_one_folder(tmp_path: Path) -> None:
    _copy_lesson(tmp_path)
    course = read_course(tmp_path)
    assert [lesson.id for lesson in course] == ["how-models-learn"]


def test_missing_file_is_named(tmp_path: Path) -> None:
    folder = _copy_lesson(tmp_path)
    (folder / "task.md").unlink()
    with pytest.raises(LessonFormatError, match=r"task\.md is missing"):
        read_course(tmp_path)


def test_fixture_must_name_a_real_check(tmp_path: Path) -> None:
    folder = _copy_lesson(tmp_path)
    (folder / "fixtures" / "bad.py").write_text("# fails: no-such-check\nx = 1\n")
    with pytest.raises(LessonFormatError, match=r"bad\.py"):
        read_course(tmp_path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    _copy_lesson(tmp_path)
    twin = _copy_lesson(tmp_path / "twin")
    shutil.move(twin, tmp_path / "twin_lesson")
    toml = tmp_path / "twin_lesson" / "lesson.toml"
    toml.write_text(toml.read_text().replace("order = 4", "order = 5"))
    with pytest.raises(LessonFormatError, match="share the id how-models-learn"):
        read_course(tmp_path)


def test_header_lines_are_stripped_from_learner_code() -> None:
    lesson = COURSE.get("how-models-learn")
    fixture = next(f for f in lesson.fixtures if f.name == "sum_not_mean")
    assert fixture.fails == "mse-value"
    assert fixture.expect == "summed the squared errors instead of averaging"
    assert not fixture.code.startswith("#")


def test_the_loader_builds_the_lesson_and_the_course_only_numbers_it() -> None:
    for lesson in LESSONS:
        loaded = read_lesson_folder(lesson.path)
        assert loaded.number == 0
        for field in dataclasses.fields(Lesson):
            if field.name.startswith("_") or field.name in ("number", "checks"):
                continue  # functions: a fresh import of checks.py makes new ones
            assert getattr(loaded, field.name) == getattr(lesson, field.name), field.name
        assert [c.name for c in loaded.checks] == [c.name for c in lesson.checks]
        assert loaded.probes(lesson.data(1)) == lesson.probes(lesson.data(1))
