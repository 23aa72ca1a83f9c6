"""The lesson list and a learner's progress as embeds."""

from __future__ import annotations

import discord

from bot.core import LessonStatus, ProgressView
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate

BAR_WIDTH = 12


def status_mark(status: LessonStatus, current_id: str | None = None) -> str:
    if status.completed:
        return "✅"
    if not status.unlocked:
        return "🔒"
    return "📖" if status.lesson.id == current_id else "🔓"


def lesson_list_embed(statuses: list[LessonStatus]) -> discord.Embed:
    lines = []
    for status in statuses:
        tries = f" · {status.attempts} attempt{'s' if status.attempts != 1 else ''}"
        lines.append(
            f"{status_mark(status)} **{status.lesson.number}.** {status.lesson.title}"
            f" `{status.lesson.id}`" + (tries if status.attempts else "")
        )
    embed = discord.Embed(
        title="The course",
        colour=discord.Colour.blurple(),
        description=truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
    )
    embed.set_footer(text="✅ done · 🔓 open · 🔒 locked — /lesson show <lesson> opens one")
    return embed


def progress_embed(view: ProgressView) -> discord.Embed:
    filled = round(BAR_WIDTH * view.completed / view.total) if view.total else 0
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    embed = discord.Embed(
        title=truncate(f"Progress of {view.learner.display_name}", limits.EMBED_TITLE),
        colour=discord.Colour.green() if view.course_complete else discord.Colour.blurple(),
        description=f"`{bar}` **{view.completed}/{view.total}** lessons completed",
    )
    current_id = view.current.id if view.current is not None else None
    lines = [
        f"{status_mark(s, current_id)} {s.lesson.number}. {s.lesson.title}"
        + (f" — {s.attempts} attempt{'s' if s.attempts != 1 else ''}" if s.attempts else "")
        for s in view.lessons
    ]
    embed.add_field(
        name="Lessons", value=truncate("\n".join(lines), limits.EMBED_FIELD_VALUE), inline=False
    )
    if view.current is not None and not view.course_complete:
        embed.add_field(name="Current lesson", value=f"{view.current.number}. {view.current.title}")
    embed.add_field(name="Attempts", value=str(view.attempts))
    embed.add_field(name="Rank", value=f"#{view.rank}" if view.rank else "not ranked yet")
    return embed
