"""When a learner finishes the course: the guild's completion role, and an announcement in
its announcement channel, if the moderators set them (`/tutor config`).

Both are courtesies: a missing permission (Manage Roles, a role above the bot's, Send
Messages in that channel) is logged and never disturbs the learner's verdict.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.core import guild_scope
from bot.discord_app.bot import TutorBot
from bot.discord_app.verdicts import GradedSubmission

log = logging.getLogger(__name__)


class CompletionCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_tutor_submission_graded(self, graded: GradedSubmission) -> None:
        if not graded.outcome.course_completed or graded.guild is None:
            return
        config = await self.bot.core.config(guild_scope(graded.guild.id))
        if config.completion_role is not None and isinstance(graded.user, discord.Member):
            try:
                await graded.user.add_roles(
                    discord.Object(id=int(config.completion_role)),
                    reason="Completed the Gradient Tutor course",
                )
            except discord.HTTPException as error:
                log.warning("could not give the completion role in %s: %s", graded.guild.id, error)
        if config.announcement_channel is not None:
            channel = graded.guild.get_channel(int(config.announcement_channel))
            if not isinstance(channel, discord.TextChannel):
                log.warning("announcement channel %s is gone", config.announcement_channel)
                return
            lessons = len(self.bot.core.course)
            try:
                await channel.send(
                    f"🎓 {graded.user.mention} has completed all {lessons} lessons of the "
                    "course. Congratulations!"
                )
            except discord.HTTPException as error:
                log.warning("could not announce a completion in %s: %s", channel.id, error)


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(CompletionCog(bot))
