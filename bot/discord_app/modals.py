"""The Submit modal: a code field prefilled with the lesson's starter code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_app.errors import reply_with_error
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate
from bot.discord_app.submitting import grade_interaction
from lessons import Lesson

if TYPE_CHECKING:
    from bot.discord_app.bot import TutorBot


class SubmitModal(discord.ui.Modal):
    def __init__(self, lesson: Lesson) -> None:
        super().__init__(
            title=truncate(f"Submit: Lesson {lesson.number}", 45),  # Discord's modal title limit
            custom_id=f"tutor:modal:{lesson.id}",
        )
        self.lesson_id = lesson.id
        self.code: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your code",
            style=discord.TextStyle.paragraph,
            custom_id="code",
            default=lesson.starter_code[: limits.MODAL_INPUT],
            max_length=limits.MODAL_INPUT,
            required=True,
        )
        self.add_item(self.code)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = cast("TutorBot", interaction.client)
        # Tracked as a whole, so a shutdown waits for the verdict to be delivered too.
        await bot.tracked(grade_interaction(interaction, self.code.value, self.lesson_id))

    # discord.py's stubs give Modal.on_error the View signature (with an item); at runtime a
    # modal's on_error takes (interaction, error), as its docs say.
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await reply_with_error(interaction, error)
