"""Confirm or cancel a moderator action: two buttons only the asking moderator can press.

The action runs only on Confirm; on Cancel or after the timeout the buttons go away and the
message says nothing happened.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord_app.client import tutor_client
from bot.discord_app.errors import explain
from bot.discord_app.prompts import PromptView

CONFIRM_TIMEOUT_S = 60.0
NOT_YOURS = "Only the moderator who asked can answer this."
CANCELLED = "Cancelled: nothing was changed."
TIMED_OUT = "No answer in time: nothing was changed."

Action = Callable[[discord.Interaction], Awaitable[str]]  # returns what to say when done


class ConfirmView(PromptView):
    def __init__(
        self, session: str, owner_id: int, action: Action, *, timeout: float | None = None
    ) -> None:
        super().__init__(session, timeout=CONFIRM_TIMEOUT_S if timeout is None else timeout)
        self.owner_id = owner_id
        self.action = action
        self.origin: discord.Interaction | None = None  # to edit the prompt on timeout
        self.decided = False

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger, custom_id="confirm")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.decided = True
        self.stop()
        try:
            done = await self.action(interaction)
        except Exception as error:  # the prompt becomes the explanation (ours: with an id)
            done = explain(error).message
        await interaction.response.edit_message(content=done, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="cancel")
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.decided = True
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled: nothing was changed.", view=None
        )

    async def on_timeout(self) -> None:
        if self.decided or self.origin is None:
            return
        # The prompt may be gone or the interaction expired: then there is nothing to tidy.
        with contextlib.suppress(discord.HTTPException):
            await self.origin.edit_original_response(content=TIMED_OUT, view=None)


async def ask_to_confirm(interaction: discord.Interaction, question: str, action: Action) -> None:
    session = tutor_client(interaction).session
    view = ConfirmView(session, interaction.user.id, action)
    view.origin = interaction
    await interaction.response.send_message(question, view=view, ephemeral=True)
