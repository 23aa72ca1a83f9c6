"""The Submit form (`/lesson submit`, the Submit button), its answers graded privately.

Answers are read from the interaction itself rather than from a discord.py Modal object, so
each learner's form works however many are open, and a form opened before a restart still
counts (see `modal.py`). Interactions must be answered within 3 s: the answer is deferred
as soon as the core admits the submission, then edited into the queued notice (if the run
has to wait) and the verdict.
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.discord_app.bot import TutorBot
from bot.discord_app.client import ButtonAction
from bot.discord_app.errors import reply_with_error
from bot.discord_app.learners import learner_for
from cogs.submissions.grading import QUEUED_NOTICE, Delivery, grade_and_deliver
from cogs.submissions.modal import form_answer, open_submit_form
from cogs.submissions.verdicts import VerdictReply


class SubmitFormCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.button_actions[ButtonAction.SUBMIT] = self.submit_pressed

    async def cog_unload(self) -> None:
        self.bot.button_actions.pop(ButtonAction.SUBMIT, None)

    async def submit_pressed(self, interaction: discord.Interaction, lesson_id: str | None) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        assert lesson_id is not None  # the Submit button always names its lesson
        view = await self.bot.core.show_lesson(learner, lesson_id)
        if view.lesson is not None:  # show_lesson always names one; None means no course
            await open_submit_form(interaction, view.lesson)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        answer = form_answer(interaction)
        if answer is None:
            return
        # Tracked as a whole, so a shutdown waits for the verdict to be delivered too.
        await self.bot.tracked(
            grade_and_deliver(
                self.bot,
                learner_for(interaction.user, interaction.guild),
                interaction.user,
                interaction.guild,
                answer.code,
                FormDelivery(interaction),
                lesson_id=answer.lesson_id,
            )
        )


class FormDelivery(Delivery):
    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction

    async def admitted(self) -> None:
        await self.interaction.response.defer(thinking=True, ephemeral=True)

    async def queued(self) -> None:
        await self.interaction.edit_original_response(content=QUEUED_NOTICE)

    async def verdict(self, reply: VerdictReply) -> discord.InteractionMessage:
        return await self.interaction.edit_original_response(
            content=None, embed=reply.embed, view=reply.view, attachments=reply.files
        )

    async def problem(self, error: Exception) -> None:
        await reply_with_error(self.interaction, error)
