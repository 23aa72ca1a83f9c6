"""`/leaderboard`: who has come furthest, for moderators, a page at a time.

Top-level rather than under `/tutor`: Discord applies a command's default permissions to
the whole command, never to one subcommand. The bot checks the member itself anyway
(`ensure_moderator`), whatever the server's command permissions say.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import guild_scope
from bot.discord_app.bot import TutorBot
from bot.discord_app.moderators import MODERATOR_DEFAULT_PERMISSIONS, ensure_moderator
from cogs.leaderboard.pager import LeaderboardPager


class LeaderboardCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @app_commands.command(description="Who has come furthest in the course (moderators)")
    @app_commands.guild_only()
    @app_commands.default_permissions(MODERATOR_DEFAULT_PERMISSIONS)
    @app_commands.describe(public="Post it in the channel for everyone (default: only you see it)")
    async def leaderboard(self, interaction: discord.Interaction, public: bool = False) -> None:
        await ensure_moderator(interaction)
        assert interaction.guild is not None  # ensure_moderator refuses DMs
        titles = {lesson.id: f"{lesson.number}. {lesson.title}" for lesson in self.bot.core.lessons}
        scope, owner = guild_scope(interaction.guild.id), interaction.user.id
        pager = LeaderboardPager(self.bot.session, self.bot.core, scope, owner, titles)
        embed = await pager.first_page()
        if pager.page_count == 1:
            await interaction.response.send_message(embed=embed, ephemeral=not public)
            return
        pager.origin = interaction
        await interaction.response.send_message(embed=embed, view=pager, ephemeral=not public)
