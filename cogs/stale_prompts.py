"""A press on a prompt's button from before a restart: remove the dead buttons and say so.

Lesson and verdict buttons keep working across restarts (they are dynamic items); the
leaderboard's pages and Confirm/Cancel live in memory (see `bot.discord_app.prompts`).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.discord_app.bot import TutorBot
from bot.discord_app.prompts import STALE, is_stale

log = logging.getLogger(__name__)


class StalePromptsCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component or not interaction.data:
            return
        custom_id = str(interaction.data.get("custom_id", ""))
        if not is_stale(custom_id, self.bot.session):
            return
        try:
            await interaction.response.edit_message(view=None)
            await interaction.followup.send(STALE, ephemeral=True)
        except discord.HTTPException as error:
            log.warning("could not answer a press on a stale prompt: %s", error)


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(StalePromptsCog(bot))
