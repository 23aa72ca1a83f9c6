"""`/tutor learner|reset|unlock|export|stats|audit`: course tools for server staff.

Every command checks the member is a moderator (Manage Server or the configured moderator
role) in `interaction_check`; resets and unlocks ask for confirmation and are audited with
who asked. Answers are private. `/tutor config ...` is the per-guild settings, carried out
by `cogs.settings.actions` (Discord gives the `/tutor` group one owner: this cog).
"""

from __future__ import annotations

import asyncio
import io
import logging
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import Learner, guild_scope
from bot.core.export import UsernameLookup, export_file_name
from bot.core.scope_config import MAX_SOLUTION_AFTER_FAILURES
from bot.discord_app.bot import TutorBot
from bot.discord_app.moderators import (
    MODERATOR_DEFAULT_PERMISSIONS,
    actor_of,
    ensure_moderator,
)
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate
from bot.plots import funnel_bars
from cogs.moderation.audit_rendering import audit_embed
from cogs.moderation.confirm import ask_to_confirm
from cogs.moderation.export_file import ExportTooLarge, export_file
from cogs.moderation.rendering import funnel_embed, learner_embed
from cogs.settings import actions as tutor_settings
from lessons import Lesson

LESSON_OPTION = "A lesson: its number or id"
# A user too, not only a member: learners who left the server keep their records.
MemberOrUser = discord.Member | discord.User
FUNNEL_IMAGE = "funnel.png"
AUDIT_LINES = 20
MEMBERS_PER_QUERY = 100  # Discord's most user ids per member request
log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.default_permissions(MODERATOR_DEFAULT_PERMISSIONS)
class ModerationCog(
    commands.GroupCog, group_name="tutor", group_description="Course tools for moderators"
):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        await ensure_moderator(interaction)  # raises: the tree's on_error says why, politely
        return True

    def _scope(self, interaction: discord.Interaction) -> str:
        assert interaction.guild is not None  # ensure_moderator refuses DMs
        return guild_scope(interaction.guild.id)

    @app_commands.command(description="A learner's progress, recent attempts and last code")
    @app_commands.describe(member="The learner")
    async def learner(self, interaction: discord.Interaction, member: MemberOrUser) -> None:
        report = await self.bot.core.learner_report(self._scope(interaction), str(member.id))
        if report is None:
            await interaction.response.send_message(
                f"{member.mention} has not used the course in this server yet.", ephemeral=True
            )
            return
        embed = learner_embed(report, member.mention, len(self.bot.core.lessons))
        files = []
        last = report.last_code
        if last is not None:
            lesson = self.bot.core.find_lesson(last.lesson_id)  # None: since removed
            where = f"lesson-{lesson.number}" if lesson is not None else last.lesson_id
            name = f"last-code-{where}-attempt-{last.id}.py"
            files.append(discord.File(io.BytesIO(last.code.encode()), filename=name))
        await interaction.response.send_message(embed=embed, files=files, ephemeral=True)

    @app_commands.command(description="Forget a learner's progress, or one lesson's (asks first)")
    @app_commands.describe(member="The learner", lesson="Only this lesson (default: all of it)")
    async def reset(
        self, interaction: discord.Interaction, member: MemberOrUser, lesson: str | None = None
    ) -> None:
        scope, core = self._scope(interaction), self.bot.core
        plan = await core.reset_plan(scope, str(member.id), lesson)  # refuses typos
        target = plan.lesson
        what = f"lesson {target.number} ({target.title})" if target else "all progress"
        if not plan.anything:  # nothing to confirm, and nothing for the audit log
            await interaction.response.send_message(
                f"Nothing to reset: {member.mention} has no progress "
                + (f"in lesson {target.number} ({target.title})." if target else "yet."),
                ephemeral=True,
            )
            return
        stays_open = (
            f" {lessons_phrase(plan.stays_open)} stay open: they were unlocked before. "
            "Reset all progress to close them."
            if plan.stays_open
            else ""
        )

        async def do_reset(confirmed: discord.Interaction) -> str:
            changed = await core.reset(
                scope,
                str(member.id),
                None if target is None else target.id,
                actor=actor_of(confirmed.user),
            )
            if not changed:
                return f"Nothing to reset: {member.mention} has no progress left there."
            return f"Done: {what} reset for {member.mention}. Logged in the audit log."

        await ask_to_confirm(
            interaction,
            f"Reset {what} for {member.mention}? Their attempts go too; this can't be undone."
            + stays_open,
            do_reset,
        )

    @app_commands.command(description="Open a lesson for a learner (asks first)")
    @app_commands.describe(member="The learner", lesson=LESSON_OPTION)
    async def unlock(
        self, interaction: discord.Interaction, member: MemberOrUser, lesson: str
    ) -> None:
        scope, core = self._scope(interaction), self.bot.core
        target = core.lesson_named(lesson)
        learner = Learner(scope, str(member.id), member.display_name)

        async def do_unlock(confirmed: discord.Interaction) -> str:
            outcome = await core.unlock(learner, target.id, actor=actor_of(confirmed.user))
            if not outcome.changed:
                return f"Lesson {target.number} was already unlocked for {member.mention}."
            return f"Done: lesson {target.number} is open for {member.mention}. Logged."

        await ask_to_confirm(
            interaction,
            f"Unlock lesson {target.number} ({target.title}) for {member.mention}?",
            do_unlock,
        )

    @app_commands.command(description="This server's progress as a CSV file")
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        scope = self._scope(interaction)
        assert interaction.guild is not None
        text = await self.bot.core.export_csv(scope, username_lookup(self.bot, interaction.guild))
        name = export_file_name(interaction.guild.name, time.time())
        try:
            # Off the event loop: a large server's CSV is megabytes to encode and maybe gzip.
            file = await asyncio.to_thread(export_file, text, name, interaction.filesize_limit)
        except ExportTooLarge:
            await interaction.edit_original_response(
                content="The export is too large to upload here, even compressed. "
                "The bot's operator can read the SQLite database directly."
            )
            return
        await interaction.edit_original_response(
            content="One row per learner per lesson; times are UTC. `learner_last_active_at` is "
            "the learner's latest attempt at any lesson.",
            attachments=[file],
        )

    @app_commands.command(description="The course funnel: reached, passed, stuck per lesson")
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        funnel = await self.bot.core.funnel(self._scope(interaction))
        png = await self.bot.plotter.render(funnel_bars(funnel))
        await interaction.edit_original_response(
            embed=funnel_embed(funnel, FUNNEL_IMAGE),
            attachments=[discord.File(io.BytesIO(png), filename=FUNNEL_IMAGE)],
        )

    @app_commands.command(description="Recent moderator actions: resets, unlocks, settings")
    async def audit(self, interaction: discord.Interaction) -> None:
        entries = await self.bot.core.audit_log(self._scope(interaction), AUDIT_LINES)
        embed = audit_embed(entries, self.bot.core.find_lesson)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # /tutor config ...

    config = app_commands.Group(name="config", description="This server's tutor settings")

    @config.command(name="show", description="The settings as they are")
    async def config_show(self, interaction: discord.Interaction) -> None:
        await tutor_settings.show(interaction)

    @config.command(name="channel-add", description="Grade code posted in this channel")
    async def channel_add(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        await tutor_settings.add_channel(interaction, channel)

    @config.command(name="channel-remove", description="Stop grading code in this channel")
    async def channel_remove(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        await tutor_settings.remove_channel(interaction, channel)

    @config.command(name="moderator-role", description="Members with it may moderate the course")
    @app_commands.describe(role="Leave empty to clear (Manage Server still counts)")
    async def moderator_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        await tutor_settings.set_role(interaction, "moderator", role)

    @config.command(name="completion-role", description="Given to learners who finish the course")
    @app_commands.describe(role="Leave empty to give no role")
    async def completion_role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        await tutor_settings.set_role(interaction, "completion", role)

    @config.command(
        name="announcement-channel", description="Where course completions are announced"
    )
    @app_commands.describe(channel="Leave empty to announce nothing")
    async def announcement_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await tutor_settings.set_announcements(interaction, channel)

    @config.command(name="solution-policy", description="When a lesson's solution may be shown")
    @app_commands.describe(
        after_failures="Failed attempts before it opens; 0: only after passing; "
        "empty: the bot's default"
    )
    async def solution_policy(
        self,
        interaction: discord.Interaction,
        after_failures: app_commands.Range[int, 0, MAX_SOLUTION_AFTER_FAILURES] | None = None,
    ) -> None:
        await tutor_settings.set_solution_policy(interaction, after_failures)

    @reset.autocomplete("lesson")
    @unlock.autocomplete("lesson")
    async def any_lesson(
        self, interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        typed = typed.strip().lower()
        choices = [
            app_commands.Choice(
                name=truncate(f"{lesson.number}. {lesson.title}", limits.CHOICE_NAME),
                value=lesson.id,
            )
            for lesson in self.bot.core.lessons
            if typed in f"{lesson.number}. {lesson.title}".lower() or typed in lesson.id
        ]
        return choices[: limits.AUTOCOMPLETE_CHOICES]


def username_lookup(bot: TutorBot, guild: discord.Guild) -> UsernameLookup:
    """Account names of the learners, asked from Discord 100 ids at a time (which needs no
    privileged intent); members who left are looked up among the users the bot knows."""

    async def usernames(user_ids: list[str]) -> dict[str, str]:
        ids = [int(i) for i in user_ids if i.isdigit()]
        names: dict[str, str] = {}
        for start in range(0, len(ids), MEMBERS_PER_QUERY):
            chunk = ids[start : start + MEMBERS_PER_QUERY]
            try:
                found = await guild.query_members(user_ids=chunk, limit=len(chunk), cache=False)
            except (TimeoutError, discord.ClientException) as error:
                log.warning("could not look up members of %s for an export: %s", guild.id, error)
                break
            names.update({str(member.id): member.name for member in found})
        for user_id in ids:
            user = bot.get_user(user_id)
            if str(user_id) not in names and user is not None:
                names[str(user_id)] = user.name
        return names

    return usernames


def lessons_phrase(lessons: list[Lesson]) -> str:
    """ "Lesson 2" or "Lessons 2, 3 and 5"."""
    numbers = [str(lesson.number) for lesson in lessons]
    if len(numbers) == 1:
        return f"Lesson {numbers[0]}"
    return f"Lessons {', '.join(numbers[:-1])} and {numbers[-1]}"
