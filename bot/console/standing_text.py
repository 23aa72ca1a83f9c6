"""Progress and the leaderboard as terminal text."""

from __future__ import annotations

import time

from bot.console.lessons_text import render_list
from bot.console.style import Style
from bot.core import LeaderboardPage, ProgressView


def render_progress(view: ProgressView, style: Style) -> str:
    lines = [
        style.paint(
            f"{view.learner.display_name}: {view.completed} of {view.total} lessons", "bold"
        ),
        f"{view.attempts} attempt{'s' * (view.attempts != 1)} so far"
        + (f", rank {view.rank} on the leaderboard." if view.rank else "."),
    ]
    if view.current is not None and not view.course_complete:
        lines.append(f"Current lesson: {view.current.number}. {view.current.title}")
    return "\n".join(lines) + "\n\n" + render_list(view.lessons, style)


def render_leaderboard(page: LeaderboardPage, style: Style, *, me: str | None = None) -> str:
    if page.total == 0:
        return "Nobody has passed a lesson here yet. Be the first!"
    if not page.entries:
        pages = page.page_count
        return (
            f"The leaderboard has {pages} page{'s' * (pages != 1)}: "
            f"type `leaderboard {pages}` for the last one."
        )
    lines = [style.paint(f"Leaderboard (page {page.page + 1} of {page.page_count})", "bold")]
    for entry in page.entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.last_completed_at))
        row = (
            f"  {entry.rank:>3}. {entry.display_name:<20} {entry.completed} lesson"
            f"{'s' * (entry.completed != 1)}, {entry.attempts} attempt"
            f"{'s' * (entry.attempts != 1)}, last on {when}"
        )
        lines.append(style.paint(row, "bold") if entry.user_id == me else row)
    if page.page + 1 < page.page_count:
        lines.append(style.paint(f"  `leaderboard {page.page + 2}` for the next page", "dim"))
    return "\n".join(lines)
