"""Progress and the leaderboard as terminal renderables."""

from __future__ import annotations

import time

from rich.console import Group, RenderableType
from rich.text import Text

from bot.console.lessons_text import footer, render_list, table
from bot.console.style import Style
from bot.core import LeaderboardPage, LessonStatus, ProgressView


def render_progress(view: ProgressView, style: Style) -> RenderableType:
    attempts = f"{view.attempts} attempt{'s' * (view.attempts != 1)} so far" + (
        f", rank {view.rank} on the leaderboard." if view.rank else "."
    )
    parts: list[RenderableType] = [
        Text(f"{view.learner.display_name}: {view.completed} of {view.total} lessons", "bold"),
        Text(attempts),
    ]
    if (line := _where_next(view)) is not None:
        parts.append(line)
    return Group(*parts, Text(), render_list(view.lessons, style))


def _where_next(view: ProgressView) -> RenderableType | None:
    """The lesson being worked on; once it is passed, the one `next` opens instead."""
    if view.course_complete:
        return None
    current = view.current
    if current is not None and not _status_of(view.lessons, current.id).completed:
        return Text(f"Current lesson: {current.number}. {current.title}")
    following = next((s.lesson for s in view.lessons if s.unlocked and not s.completed), None)
    if following is None:
        return None
    return footer(f"Next lesson: {following.number}. {following.title} (type `next`)")


def _status_of(statuses: list[LessonStatus], lesson_id: str) -> LessonStatus:
    return next(status for status in statuses if status.lesson.id == lesson_id)


def render_leaderboard(
    page: LeaderboardPage, style: Style, *, me: str | None = None
) -> RenderableType:
    if page.total == 0:
        return Text("Nobody has passed a lesson here yet. Be the first!")
    if not page.entries:
        pages = page.page_count
        return footer(
            f"The leaderboard has {pages} page{'s' * (pages != 1)}: "
            f"type `leaderboard {pages}` for the last one."
        )
    rows = table(style, "rank", "learner", "lessons", "attempts", "last passed")
    for entry in page.entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.last_completed_at))
        rows.add_row(
            str(entry.rank),
            entry.display_name,
            str(entry.completed),
            str(entry.attempts),
            when,
            style="bold" if entry.user_id == me else None,
        )
    parts: list[RenderableType] = [
        Text(f"Leaderboard (page {page.page + 1} of {page.page_count})", style="bold"),
        rows,
    ]
    if page.page + 1 < page.page_count:
        parts.append(footer(f"`leaderboard {page.page + 2}` for the next page"))
    return Group(*parts)
