"""The Submit, Hint and Next buttons under lessons and verdicts: how they look, and where a
press goes.

They are dynamic items: the lesson id lives in the custom id, so a button keeps working after
the bot restarts, and whoever presses it acts for themselves. A press only routes: the
feature that owns the action registers its handler in `bot.button_actions` when its cog
loads (`cogs/lessons` for Hint and Next, `cogs/submissions` for Submit), so this module,
which lessons and verdicts both use, depends on neither.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.discord_app.client import ButtonAction, tutor_client
from bot.discord_app.errors import reply_with_error

LESSON_ID = r"(?P<lesson>[a-z0-9][a-z0-9_-]*)"


class _LessonButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"tutor:none"):
    action: ButtonAction

    def __init__(self, button: discord.ui.Button[Any], lesson_id: str | None) -> None:
        super().__init__(button)
        self.lesson_id = lesson_id

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            handler = tutor_client(interaction).button_actions.get(self.action)
            if handler is None:
                raise LookupError(f"no handler for the {self.action.value} button is loaded")
            await handler(interaction, self.lesson_id)
        except Exception as error:
            await reply_with_error(interaction, error)


class SubmitButton(_LessonButton, template=rf"tutor:submit:{LESSON_ID}"):
    action = ButtonAction.SUBMIT

    def __init__(self, lesson_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Submit",
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"tutor:submit:{lesson_id}",
            ),
            lesson_id,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SubmitButton:
        return cls(match["lesson"])


class HintButton(_LessonButton, template=rf"tutor:hint:{LESSON_ID}"):
    action = ButtonAction.HINT

    def __init__(self, lesson_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hint",
                emoji="💡",
                style=discord.ButtonStyle.secondary,
                custom_id=f"tutor:hint:{lesson_id}",
            ),
            lesson_id,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HintButton:
        return cls(match["lesson"])


class NextButton(_LessonButton, template=r"tutor:next"):
    action = ButtonAction.NEXT

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next lesson",
                emoji="➡️",
                style=discord.ButtonStyle.success,
                custom_id="tutor:next",
            ),
            None,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NextButton:
        return cls()


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
