"""Answers to the Submit form (`/lesson submit`, the Submit button), graded privately.

Read from the interaction itself rather than from a discord.py Modal object, so each
learner's form works however many are open, and a form opened before a restart still counts
(see `bot.discord_app.modals`).
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.discord_app.bot import TutorBot
from bot.discord_app.errors import reply_with_error
from bot.discord_app.modals import form_answer
from bot.discord_app.submitting import grade_interaction


class SubmitFormCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        answer = form_answer(interaction)
        if answer is None:
            return
        try:
            # Tracked as a whole, so a shutdown waits for the verdict to be delivered too.
            await self.bot.tracked(grade_interaction(interaction, answer.code, answer.lesson_id))
        except Exception as error:
            await reply_with_error(interaction, error)


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(SubmitFormCog(bot))
