"""Private answers to interactions: a lesson (possibly several messages) or a hint."""

from __future__ import annotations

import discord

from bot.core import HintView, LessonView
from bot.discord_app.buttons import lesson_buttons
from cogs.lessons.rendering import lesson_messages

COURSE_COMPLETE = "🎓 You have completed every lesson in the course. Well done!"


async def send_lesson(interaction: discord.Interaction, view: LessonView) -> None:
    """The lesson's embeds, split over as many messages as Discord needs; buttons on the last."""
    if view.lesson is None:
        await _send(interaction, content=COURSE_COMPLETE)
        return
    messages = lesson_messages(
        view.lesson,
        completed=view.completed,
        course_length=view.total_lessons,
        solution_open=view.solution_available,
    )
    buttons = lesson_buttons(view.lesson.id, show_next=view.completed)
    for i, embeds in enumerate(messages):
        last = i == len(messages) - 1
        await _send(interaction, embeds=embeds, view=buttons if last else None)


async def send_hint(interaction: discord.Interaction, hint: HintView) -> None:
    more = "" if hint.is_last else " Press Hint again for a stronger one."
    embed = discord.Embed(
        title=f"💡 Hint {hint.tier} of {hint.tiers} — Lesson {hint.lesson.number}",
        description=hint.text,
        colour=discord.Colour.gold(),
    )
    embed.set_footer(text=f"Hints are recorded in your progress.{more}")
    await _send(interaction, embeds=[embed])


async def _send(
    interaction: discord.Interaction,
    *,
    content: str | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """First answer through the response, the rest as follow-ups; always ephemeral."""
    view = view or discord.ui.View()  # an empty view sends no components
    if not interaction.response.is_done():
        await interaction.response.send_message(
            content, embeds=embeds or [], view=view, ephemeral=True
        )
    else:
        await interaction.followup.send(
            content or "", embeds=embeds or [], view=view, ephemeral=True
        )
