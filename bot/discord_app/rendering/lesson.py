"""A lesson as embeds: explanation, task and starter code, split to Discord's limits."""

from __future__ import annotations

import discord

from bot.discord_app.rendering import limits
from bot.discord_app.rendering.split import pack_embeds, split_markdown
from bot.discord_app.rendering.text import code_block, truncate
from lessons.course import Lesson

LESSON_COLOUR = discord.Colour.blurple()
DONE_COLOUR = discord.Colour.green()


def lesson_title(lesson: Lesson) -> str:
    return f"Lesson {lesson.number} · {lesson.title}"


def lesson_messages(
    lesson: Lesson, *, completed: bool = False, course_length: int | None = None
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
    starter_embed.set_footer(text=footer)
    embeds.append(starter_embed)
    return pack_embeds(embeds)
