"""A lesson (explanation, task and starter code, split to Discord's limits), the lesson
list and a learner's progress, as embeds."""

from __future__ import annotations

import discord

from bot.core import LessonStatus, ProgressView
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.split import pack_embeds, split_markdown
from bot.discord_app.rendering.text import code_block, lesson_title, truncate
from lessons.course import Lesson

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


LESSON_COLOUR = discord.Colour.blurple()
DONE_COLOUR = discord.Colour.green()


def lesson_messages(
    lesson: Lesson,
    *,
    completed: bool = False,
    course_length: int | None = None,
    solution_open: bool = False,
) -> list[list[discord.Embed]]:
    """Embeds grouped per message: the explanation, then the task with the starter code."""
    colour = DONE_COLOUR if completed else LESSON_COLOUR
    embeds: list[discord.Embed] = []
    title = lesson_title(lesson) + (" ✅" if completed else "")
    for i, piece in enumerate(split_markdown(lesson.explanation, limits.EMBED_DESCRIPTION)):
        embed = discord.Embed(colour=colour, description=piece)
        if i == 0:
            embed.title = truncate(title, limits.EMBED_TITLE)
        embeds.append(embed)
    task_text = lesson.task.strip()
    starter = code_block(lesson.starter_code, limits.EMBED_DESCRIPTION)
    task_pieces = split_markdown(task_text, limits.EMBED_DESCRIPTION)
    for i, piece in enumerate(task_pieces):
        embeds.append(
            discord.Embed(colour=colour, title="Your task" if i == 0 else None, description=piece)
        )
    starter_embed = discord.Embed(colour=colour, title="Starter code", description=starter)
    footer = "Post your code in a ```python block here, or press Submit."
    if course_length is not None:
        footer = f"Lesson {lesson.number} of {course_length}. {footer}"
    if solution_open and not completed:
        footer += " Stuck? /lesson solution shows the reference solution."
    starter_embed.set_footer(text=footer)
    embeds.append(starter_embed)
    return pack_embeds(embeds)
