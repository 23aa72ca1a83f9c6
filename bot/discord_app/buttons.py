"""Submit, Hint and Next buttons under lessons and verdicts.

They are dynamic items: the lesson id lives in the custom id, so a button keeps working after
the bot restarts, whoever presses it acts for themselves, and answers are private.

Callbacks import the modal and the reply helpers when pressed: those modules put these
buttons under what they send, so importing them at the top would be circular.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_app.errors import reply_with_error
from bot.discord_app.learners import learner_for

if TYPE_CHECKING:
    from bot.discord_app.bot import TutorBot

LESSON_ID = r"(?P<lesson>[a-z0-9][a-z0-9_-]*)"


def _bot(interaction: discord.Interaction) -> TutorBot:
    return cast("TutorBot", interaction.client)


class SubmitButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"tutor:submit:{LESSON_ID}"
):
    def __init__(self, lesson_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"tutor:submit:{lesson_id}",
            )
        )
        self.lesson_id = lesson_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SubmitButton:
        return cls(match["lesson"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord_app.modals import open_submit_form

        try:
            learner = learner_for(interaction.user, interaction.guild)
            view = await _bot(interaction).core.show_lesson(learner, self.lesson_id)
            if view.lesson is not None:  # show_lesson always names one; None means no course
                await open_submit_form(interaction, view.lesson)
        except Exception as error:
            await reply_with_error(interaction, error)


class HintButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"tutor:hint:{LESSON_ID}"
):
    def __init__(self, lesson_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hint",
                emoji="💡",
                style=discord.ButtonStyle.secondary,
                custom_id=f"tutor:hint:{lesson_id}",
            )
        )
        self.lesson_id = lesson_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HintButton:
        return cls(match["lesson"])

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord_app.replies import send_hint

        try:
            learner = learner_for(interaction.user, interaction.guild)
            hint = await _bot(interaction).core.hint(learner, self.lesson_id)
            await send_hint(interaction, hint)
        except Exception as error:
            await reply_with_error(interaction, error)


class NextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"tutor:next"):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next lesson",
                emoji="➡️",
                style=discord.ButtonStyle.success,
                custom_id="tutor:next",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NextButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.discord_app.replies import send_lesson

        try:
            learner = learner_for(interaction.user, interaction.guild)
            await send_lesson(interaction, await _bot(interaction).core.next_lesson(learner))
        except Exception as error:
            await reply_with_error(interaction, error)


DYNAMIC_ITEMS = (SubmitButton, HintButton, NextButton)


def lesson_buttons(lesson_id: str, *, show_next: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SubmitButton(lesson_id))
    view.add_item(HintButton(lesson_id))
    if show_next:
        view.add_item(NextButton())
    return view


def verdict_buttons(lesson_id: str, *, passed: bool, has_next: bool) -> discord.ui.View:
    """After a pass: Next (when there is a next lesson). After a miss: Hint and Submit again."""
    view = discord.ui.View(timeout=None)
    if passed:
        if has_next:
            view.add_item(NextButton())
    else:
        view.add_item(HintButton(lesson_id))
        view.add_item(SubmitButton(lesson_id))
    return view
