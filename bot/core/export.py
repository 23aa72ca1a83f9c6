"""A scope's progress as CSV: one row per learner per lesson of the course.

Every lesson appears for every learner (status locked/open/passed), so a spreadsheet can
pivot it without knowing the course. Times are ISO 8601 in UTC. Discord ids are written
as `="…"`, which Excel and Google Sheets read as text: as a number, a 19-digit id loses
its last digits (1.3E+18).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime

from bot.core.unlocking import unlocked_ids
from bot.store import LearnerProgress, LessonProgress
from lessons import Course

COLUMNS = (
    "user_id",
    "username",
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
    # The learner's latest attempt at any lesson: the same on each of their rows.
    "learner_last_active_at",
)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9]+")


UsernameOf = Callable[[str], str | None]  # user id -> account name, None when unknown
# Given the learners' user ids, the account names a front end can find for them.
UsernameLookup = Callable[[list[str]], Awaitable[Mapping[str, str]]]


def csv_header() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(COLUMNS)
    return out.getvalue()


def csv_rows(
    course: Course, rows: Iterable[LearnerProgress], username_of: UsernameOf | None = None
) -> str:
    """The CSV lines of some learners, without the header: an export is written batch by
    batch (see `Moderation.write_export`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        opened = unlocked_ids(course, row.progress)
        user_id = row.learner.user_id
        previous: LessonProgress | None = None
        for lesson in course:
            mine = row.progress.get(lesson.id) or LessonProgress(lesson.id)
            status = "passed" if mine.completed else "open" if lesson.id in opened else "locked"
            writer.writerow(
                (
                    f'="{user_id}"' if user_id.isdigit() else _cell(user_id),
                    _cell((username_of and username_of(user_id)) or ""),
                    _cell(row.learner.display_name),
                    lesson.number,
                    lesson.id,
                    status,
                    mine.attempts,
                    mine.failures,
                    mine.hints_shown,
                    "yes" if mine.solution_shown_at is not None else "no",
                    iso_time(_opened_at(mine, previous, row) if status != "locked" else None),
                    iso_time(mine.completed_at),
                    iso_time(row.last_active_at),
                )
            )
            previous = mine
    return out.getvalue()


def _opened_at(
    mine: LessonProgress, previous: LessonProgress | None, row: LearnerProgress
) -> float | None:
    """When the lesson opened for them: the stored unlock; else, open by rule, when the
    lesson before it was passed, or for the first lesson when they first used the course."""
    if mine.unlocked_at is not None:
        return mine.unlocked_at
    if previous is None:
        return row.first_seen_at
    return previous.completed_at


def export_file_name(server_name: str, when: float) -> str:
    """`gradient-tutor-progress-<server>-<YYYY-MM-DD>.csv`, safe on every file system."""
    slug = _UNSAFE_NAME.sub("-", server_name).strip("-").lower()[:40].strip("-") or "server"
    day = datetime.fromtimestamp(when, UTC).date().isoformat()
    return f"gradient-tutor-progress-{slug}-{day}.csv"


def iso_time(when: float | None) -> str:
    if when is None:
        return ""
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="seconds")


def _cell(text: str) -> str:
    # A display name starting with =, +, - or @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
