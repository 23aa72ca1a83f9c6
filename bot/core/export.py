"""A scope's progress as CSV: one row per learner per lesson of the course.

Every lesson appears for every learner (status locked/open/passed), so a spreadsheet can
pivot it without knowing the course. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.core.unlocking import unlocked_ids
from bot.store import LearnerProgress, LessonProgress
from lessons import Course

COLUMNS = (
    "user_id",
    "display_name",
    "lesson_number",
    "lesson_id",
    "status",
    "attempts",
    "failures",
    "hints_shown",
    "solution_shown",
    "unlocked_at",
    "completed_at",
    "last_active_at",
)


def progress_csv(course: Course, rows: Iterable[LearnerProgress]) -> str:
    return csv_header() + csv_rows(course, rows)


def csv_header() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)
    return out.getvalue()


def csv_rows(course: Course, rows: Iterable[LearnerProgress]) -> str:
    """The CSV lines of some learners, without the header: an export is written batch by
    batch (see `Moderation.write_export`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        opened = unlocked_ids(course, row.progress)
        for lesson in course:
            mine = row.progress.get(lesson.id) or LessonProgress(lesson.id)
            status = "passed" if mine.completed else "open" if lesson.id in opened else "locked"
            writer.writerow(
                (
                    row.learner.user_id,
                    _cell(row.learner.display_name),
                    lesson.number,
                    lesson.id,
                    status,
                    mine.attempts,
                    mine.failures,
                    mine.hints_shown,
                    "yes" if mine.solution_shown_at is not None else "no",
                    iso_time(mine.unlocked_at),
                    iso_time(mine.completed_at),
                    iso_time(row.last_active_at),
                )
            )
    return out.getvalue()


def iso_time(when: float | None) -> str:
    if when is None:
        return ""
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")


def _cell(text: str) -> str:
    # A display name starting with =, +, - or @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
