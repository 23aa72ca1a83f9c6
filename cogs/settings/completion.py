"""When a learner finishes the course: the guild's completion role, and an announcement in
its announcement channel, if the moderators set them (`/tutor config`).

Both are courtesies: a missing permission (Manage Roles, a role above the bot's, Send
Messages in that channel) never disturbs the learner's verdict. It is logged, and recorded
for the moderators, who see it in `/tutor config show` and the audit log until it works
again or they change the setting.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.core import guild_scope
from bot.core.scope_config import ANNOUNCEMENT_CHANNEL, COMPLETION_ROLE
from bot.discord_app.bot import TutorBot
from bot.discord_app.events import GradedSubmission
from cogs.settings.role_rules import announcement_problem, completion_role_problem

log = logging.getLogger(__name__)


class CompletionCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_tutor_submission_graded(self, graded: GradedSubmission) -> None:
        guild = graded.guild
        if not graded.outcome.course_completed or guild is None:
            return
        scope = guild_scope(guild.id)
        config = await self.bot.core.config(scope)
        role_id = config.completion_role
        if role_id is not None and isinstance(graded.user, discord.Member):
            problem = None
            try:
                await graded.user.add_roles(
                    discord.Object(id=int(role_id)), reason="Completed the Gradient Tutor course"
                )
            except discord.HTTPException as error:
                log.warning("could not give the completion role in %s: %s", guild.id, error)
                problem = completion_role_problem(guild, role_id) or _refused(error)
            await self.bot.core.note_problem(scope, COMPLETION_ROLE, problem)
        if config.announcement_channel is not None:
            problem = await self._announce(guild, config.announcement_channel, graded.user)
            await self.bot.core.note_problem(scope, ANNOUNCEMENT_CHANNEL, problem)

    async def _announce(
        self, guild: discord.Guild, channel_id: str, user: discord.abc.User
    ) -> str | None:
        """None when announced, else why not."""
        channel = guild.get_channel(int(channel_id))
        if not isinstance(channel, discord.TextChannel):
            log.warning("announcement channel %s is gone", channel_id)
            return "that channel no longer exists."
        lessons = len(self.bot.core.lessons)
        try:
            await channel.send(
                f"🎓 {user.mention} has completed all {lessons} lessons of the course. "
                "Congratulations!"
            )
        except discord.HTTPException as error:
            log.warning("could not announce a completion in %s: %s", channel.id, error)
            return announcement_problem(guild, channel_id) or _refused(error)
        return None


def _refused(error: discord.HTTPException) -> str:
    return f"Discord refused it ({error.status}: {error.text or 'no reason given'})."
