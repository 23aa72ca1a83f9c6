"""The Submit form: a code field prefilled with the lesson's starter code.

discord.py keeps an open modal in memory under its custom id and forgets it after the first
answer. With one custom id per lesson, two learners with the same lesson's form open would
share one object, and the first answer would close it for the other; a form left open across
a restart would be dropped. So discord.py only sends the form (`open_submit_form`); every
answer is read from the interaction itself (`form_answer`) by `form.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate
from lessons import Lesson

FORM_PREFIX = "tutor:modal:"
CODE_FIELD = "code"


class SubmitModal(discord.ui.Modal):
    def __init__(self, lesson: Lesson) -> None:
        super().__init__(
            title=truncate(f"Submit: Lesson {lesson.number}", 45),  # Discord's modal title limit
            custom_id=f"{FORM_PREFIX}{lesson.id}",
        )
        self.code: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Your code",
            style=discord.TextStyle.paragraph,
            custom_id=CODE_FIELD,
            default=lesson.starter_code[: limits.MODAL_INPUT],
            max_length=limits.MODAL_INPUT,
            required=True,
        )
        self.add_item(self.code)


async def open_submit_form(interaction: discord.Interaction, lesson: Lesson) -> None:
    modal = SubmitModal(lesson)
    await interaction.response.send_modal(modal)
    modal.stop()  # take it out of discord.py's modal store: answers are read by form_answer


@dataclass(frozen=True)
class FormAnswer:
    lesson_id: str
    code: str


def form_answer(interaction: discord.Interaction) -> FormAnswer | None:
    """The lesson and code of a Submit form's answer; None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit or interaction.data is None:
        return None
    data: dict[str, Any] = dict(interaction.data)
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FORM_PREFIX):
        return None
    code = ""
    for row in data.get("components", []):
        # An action row holds its inputs in "components"; a label (type 18) in "component".
        inputs = row.get("components") or ([row["component"]] if "component" in row else [])
        for item in inputs:
            if item.get("custom_id") == CODE_FIELD:
                code = str(item.get("value") or "")
    return FormAnswer(custom_id.removeprefix(FORM_PREFIX), code)
