"""Prompts that live in this process's memory: the leaderboard's pages and Confirm/Cancel.

Their buttons' custom ids carry the bot's session id (new on every start). After a restart
nothing owns those buttons any more; `cogs/stale_prompts.py` recognises a press on one and
answers it, instead of leaving Discord to say "This interaction failed". Errors in their
callbacks take the single error path, like commands do.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_app.errors import reply_with_error

PREFIX = "tutor-prompt"
STALE = (
    "This was shown before the bot restarted, so its buttons no longer work and nothing "
    "was changed. Please run the command again."
)


def prompt_custom_id(session: str, name: str) -> str:
    return f"{PREFIX}:{session}:{name}"


def is_stale(custom_id: str, session: str) -> bool:
    """A prompt button from an earlier run of the bot."""
    prefix, _, rest = custom_id.partition(":")
    return prefix == PREFIX and rest.partition(":")[0] != session


class PromptView(discord.ui.View):
    """A view whose buttons (named by their `custom_id`) are stamped with the session."""

    def __init__(self, session: str, *, timeout: float | None) -> None:
        super().__init__(timeout=timeout)
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.custom_id:
                item.custom_id = prompt_custom_id(session, item.custom_id)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await reply_with_error(interaction, error)
