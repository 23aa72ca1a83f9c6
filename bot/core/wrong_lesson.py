"""Noticing code written for another open lesson, so it is not graded against this one.

A learner who passed lesson 4 and pastes lesson 5's code before opening lesson 5 would
otherwise get lesson 4's verdict: a NameError listing lesson 4's names, or "`grad` is not
defined". Two signs give such code away, both read from the lessons themselves:

- it defines at the top level names another lesson asks for (its bare-name probes, such
  as `train` or `lr_too_big`) and none that only this lesson asks for; this is read from
  the text, before anything runs;
- its run stopped on a NameError for a name another lesson predefines (`X` in lesson 3,
  6 and 7) but this one does not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

from lessons import Course, Lesson, Verdict

# Top-level `def name` and `a, b = ...`: enough to see what the code sets out to define.
# A line-by-line regex, not a parser: linear in the code's length, and safe on any input.
_DEFINED = re.compile(
    r"^(?:def[ \t]+([A-Za-z_]\w*)|([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*=(?!=))",
    re.MULTILINE,
)
_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")


@dataclass(frozen=True)
class LessonNames:
    predefined: frozenset[str]  # the lesson's data: names the learner's code gets for free
    asked: frozenset[str]  # names the lesson's checks read that the learner must define


@functools.cache
def lesson_names(lesson: Lesson) -> LessonNames:
    data = lesson.data(0)
    probes = lesson.probes(data)
    asked = {name for name, expression in probes.items() if name == expression}
    return LessonNames(frozenset(data), frozenset(asked - set(data)))


def defined_names(code: str) -> set[str]:
    names: set[str] = set()
    for function, targets in _DEFINED.findall(code):
        names.update([function] if function else (t.strip() for t in targets.split(",")))
    return names


def missing_name(verdict: Verdict) -> str | None:
    """The name a run stopped on, when it stopped on a NameError."""
    error = verdict.error
    if error is None or error.type != "NameError":
        return None
    match = _NAME_ERROR.search(error.message)
    return match.group(1) if match else None


def lesson_for_code(
    course: Course,
    current: Lesson,
    open_ids: Collection[str],
    code: str,
    *,
    missing: str | None = None,
) -> Lesson | None:
    """A later open lesson `code` was written for, or None when it may well be `current`'s.

    Only later lessons: going back to an earlier one is practice, and later lessons reuse
    earlier names (`relu`, `forward`), so a half-done attempt could look like old code.
    """
    defined = defined_names(code)
    mine = lesson_names(current)
    best: tuple[tuple[int, int, int], Lesson] | None = None
    for lesson in course.lessons:
        if lesson.number <= current.number or lesson.id not in open_ids:
            continue
        theirs = lesson_names(lesson)
        only_theirs = theirs.asked - mine.asked - mine.predefined
        only_mine = mine.asked - theirs.asked - theirs.predefined
        signs = len(defined & only_theirs) if not defined & only_mine else 0
        their_data = missing is not None and missing in theirs.predefined - mine.predefined
        if not signs and not their_data:
            continue
        # Most signs first, then most of their names defined, then the lesson right after.
        rank = (
            signs + their_data,
            len(defined & theirs.asked),
            -abs(lesson.number - current.number - 1),
        )
        if best is None or rank > best[0]:
            best = (rank, lesson)
    return None if best is None else best[1]
