"""The command tree, whose `on_error` is the single place app-command errors reach learners."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord_app.errors import reply_with_error


class TutorTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await reply_with_error(interaction, error)
