"""The course: every lesson folder under lessons/, in the order their metadata gives."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from lessons.lesson import Lesson  # also imported from here
from lessons.loading import LessonFormatError, is_lesson_folder, read_lesson_folder

LESSONS_DIR = Path(__file__).resolve().parent


class Course:
    def __init__(self, lessons: Sequence[Lesson]) -> None:
        self.lessons: list[Lesson] = list(lessons)
        self._by_id = {lesson.id: lesson for lesson in self.lessons}

    def __iter__(self) -> Iterator[Lesson]:
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)

    def get(self, lesson_id: str) -> Lesson:
        """The lesson with this id; KeyError if there is none."""
        return self._by_id[lesson_id]

    def find(self, id_or_number: str | int) -> Lesson | None:
        """By id, or by 1-based number ("4" or 4); None when nothing matches."""
        if isinstance(id_or_number, int) or id_or_number.strip().isdigit():
            number = int(id_or_number)
            return self.lessons[number - 1] if 1 <= number <= len(self.lessons) else None
        return self._by_id.get(id_or_number.strip().lower())


def read_course(root: Path = LESSONS_DIR) -> Course:
    """Read every lesson folder under `root`. Raises LessonFormatError on a broken lesson."""
    loaded = [read_lesson_folder(p) for p in sorted(root.iterdir()) if is_lesson_folder(p)]
    loaded.sort(key=lambda lesson: lesson.order)
    for kind in ("id", "order"):
        values = [str(getattr(lesson, kind)) for lesson in loaded]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise LessonFormatError(f"two lessons share the {kind} {', '.join(duplicates)}")
    lessons = [replace(lesson, number=n) for n, lesson in enumerate(loaded, start=1)]
    return Course(lessons)


@functools.cache
def load_course() -> Course:
    """The shipped course, read once per process."""
    return read_course()
