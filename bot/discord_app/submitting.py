"""Grading a submission that came through an interaction (the Submit modal).

Interactions must be answered within 3 s, so we defer at once, say so when the run has to
wait for a free sandbox worker, and then edit the deferred answer into the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord

from bot.core import AlreadyGrading
from bot.discord_app.errors import ShuttingDown
from bot.discord_app.learners import learner_for, learner_key
from bot.discord_app.verdicts import GRADED_EVENT, GradedSubmission, verdict_reply

if TYPE_CHECKING:
    from bot.discord_app.bot import TutorBot

QUEUED_NOTICE = "⏳ All sandboxes are busy right now: your code is queued and will run in a moment."


async def grade_interaction(interaction: discord.Interaction, text: str, lesson_id: str) -> None:
    bot = cast("TutorBot", interaction.client)
    learner = learner_for(interaction.user, interaction.guild)
    if bot.closing:
        raise ShuttingDown()
    if bot.core.is_grading(learner):
        raise AlreadyGrading()
    bot.cooldown.begin(learner_key(learner))
    await interaction.response.defer(thinking=True, ephemeral=True)
    if bot.sandbox_saturated:
        await interaction.edit_original_response(content=QUEUED_NOTICE)
    outcome = await bot.core.submit(learner, text, lesson_id)
    reply = await verdict_reply(outcome, bot.verdict_decorators)
    sent = await interaction.edit_original_response(
        content=None, embed=reply.embed, view=reply.view, attachments=reply.files
    )
    graded = GradedSubmission(outcome, learner, interaction.user, interaction.guild, sent)
    bot.dispatch(GRADED_EVENT, graded)
