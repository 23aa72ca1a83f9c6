"""`/progress`: where the learner stands in the course."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.bot import TutorBot
from bot.discord_app.learners import learner_for
from cogs.lessons.rendering import progress_embed


class ProgressCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @app_commands.command(description="Your progress through the course")
    async def progress(self, interaction: discord.Interaction) -> None:
        learner = learner_for(interaction.user, interaction.guild)
        view = await self.bot.core.progress(learner)
        await interaction.response.send_message(embed=progress_embed(view), ephemeral=True)
