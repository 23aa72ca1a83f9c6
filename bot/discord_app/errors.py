"""The one mapping from an exception to what the learner reads.

Errors a learner can cause (locked lesson, cooldown, missing permission) become a friendly
sentence; anything else is our fault: it is logged with its traceback under a short error id,
and the learner gets an apology quoting that id so a moderator can find it in the log.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

import discord
from discord import app_commands

from bot.core import CoolingDown, TutorError

log = logging.getLogger(__name__)


class Refusal(app_commands.CheckFailure):
    """A check that refused the member, with the sentence to show them (e.g. NotAModerator)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Explanation:
    message: str
    error_id: str | None = None  # set only for our own failures, and then also logged


def explain(error: BaseException) -> Explanation:
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, TutorError | Refusal):  # refusals the core or a check worded
        return Explanation(error.message)
    if isinstance(error, app_commands.CommandOnCooldown):
        return Explanation(CoolingDown(error.retry_after).message)
    if isinstance(error, app_commands.NoPrivateMessage):
        return Explanation("That command only works in a server, not in direct messages.")
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingRole):
        return Explanation("You don't have permission to use that command.")
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return Explanation(f"I'm missing a permission in this channel: {missing}.")
    if isinstance(error, app_commands.CheckFailure):
        return Explanation("You can't use that command here.")
    if isinstance(error, discord.Forbidden):
        return Explanation("Discord refused me: I'm missing a permission in this channel.")
    error_id = uuid.uuid4().hex[:8]
    log.error("internal error %s", error_id, exc_info=error)
    return Explanation(
        f"Sorry, something went wrong on our side (error id `{error_id}`). "
        "It has been logged; a moderator can look it up.",
        error_id,
    )


async def reply_with_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Answer an interaction with the explanation, privately, whatever state it is in."""
    text = explain(error).message
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True)
        elif interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            await interaction.edit_original_response(content=text, embeds=[], view=None)
        else:
            await interaction.followup.send(text, ephemeral=True)
    except discord.HTTPException:
        # The interaction expired or was deleted: nothing left to answer, but keep a trace.
        log.warning("could not deliver an error message to interaction %s", interaction.id)
