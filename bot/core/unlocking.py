"""The unlock rule, in one place.

The first lesson is open to everyone; passing a lesson opens the one after it. Unlocks
are stored by lesson id when earned, and a lesson also counts as open when the lesson
before it in today's course is completed: so a lesson added to the course later opens for
whoever passed the one before it, and nothing anyone earned is ever locked again.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.store import LessonProgress
from lessons import Course, Lesson


def unlocked_ids(course: Course, progress: Mapping[str, LessonProgress]) -> set[str]:
    opened: set[str] = set()
    previous_completed = True  # the first lesson is open to everyone
    for lesson in course.lessons:
        mine = progress.get(lesson.id)
        if previous_completed or (mine is not None and (mine.earned_unlock or mine.completed)):
            opened.add(lesson.id)
        previous_completed = mine is not None and mine.completed
    return opened


def lesson_after(course: Course, lesson: Lesson) -> Lesson | None:
    index = course.lessons.index(lesson)
    return course.lessons[index + 1] if index + 1 < len(course.lessons) else None


def lesson_before(course: Course, lesson: Lesson) -> Lesson | None:
    index = course.lessons.index(lesson)
    return course.lessons[index - 1] if index > 0 else None
