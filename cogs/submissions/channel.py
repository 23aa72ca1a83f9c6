"""Fenced Python posted in a lesson channel is a submission for the learner's current lesson.

The bot reacts at once (⏳), replies with the verdict, and swaps the reaction for ✅ or ❌.
Editing the message within a few minutes re-grades it and edits the same reply; an edit made
while the message is still being graded is graded right after, and an edit inside the
cooldown waits it out rather than replacing the verdict with a refusal. Messages without a
fence are conversation and are ignored.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.code_extraction import Extraction
from bot.core import SubmissionOutcome
from bot.discord_app.bot import TutorBot
from bot.discord_app.errors import explain
from bot.discord_app.learners import learner_for
from cogs.submissions.channel_replies import ChannelReplies
from cogs.submissions.channels import is_lesson_channel
from cogs.submissions.grading import QUEUED_NOTICE, Delivery, grade_and_deliver
from cogs.submissions.verdicts import VerdictReply

log = logging.getLogger(__name__)

GRADING, PASSED, NOT_PASSED = "⏳", "✅", "❌"


class SubmissionsCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        self.replies = ChannelReplies()
        # Messages being considered -> the text of an edit made meanwhile, considered next.
        self._edited_meanwhile: dict[int, str | None] = {}

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        await self._consider(message, message.content)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # Only real content edits (not link previews), of submissions we answered.
        if "content" not in payload.data or payload.message.author.bot:
            return
        if payload.message_id in self._edited_meanwhile:
            self._edited_meanwhile[payload.message_id] = payload.message.content
        elif self.replies.editable(payload.message_id):
            await self._consider(payload.message, payload.message.content)

    async def _consider(self, message: discord.Message, text: str) -> None:
        """Consider the message, then any newer text it was edited to in the meantime."""
        # Marked before the first await, so an edit arriving meanwhile is kept, not dropped.
        pending = self._edited_meanwhile
        pending[message.id] = None
        try:
            latest: str | None = text
            while latest is not None:
                await self._consider_once(message, latest)
                latest, pending[message.id] = pending[message.id], None
        finally:
            del pending[message.id]

    async def _consider_once(self, message: discord.Message, text: str) -> None:
        extraction = self.bot.core.find_code(text, require_fence=True)
        if extraction.code is None and extraction.problem is None:
            return  # conversation, not code
        try:
            if not await is_lesson_channel(self.bot, message):
                return
            if extraction.code is None:
                await self.replies.answer(message, text=extraction.problem)
                return
        except Exception as error:  # ours: logged with an id the learner can quote
            await self.replies.answer(message, text=explain(error).message)
            return
        await self.bot.tracked(self._grade(message, extraction))

    async def _grade(self, message: discord.Message, extraction: Extraction) -> None:
        regrade = self.replies.editable(message.id)
        await grade_and_deliver(
            self.bot,
            learner_for(message.author, message.guild),
            message.author,
            message.guild,
            extraction,
            ChannelDelivery(self, message, regrade=regrade),
            # An edit waits out the pause rather than hiding its verdict behind a refusal.
            wait_out_cooldown=regrade,
        )

    async def react(
        self, message: discord.Message, *, add: str, remove: tuple[str, ...] = ()
    ) -> None:
        # Reactions are a courtesy: a missing Add Reactions permission must not stop grading.
        try:
            for emoji in remove:
                if self.bot.user is not None:
                    await message.remove_reaction(emoji, self.bot.user)
            await message.add_reaction(add)
        except discord.HTTPException as error:
            log.debug("could not update reactions on %s: %s", message.id, error)


class ChannelDelivery(Delivery):
    """A submission posted in a channel: ⏳ while grading, then ✅ or ❌; the answers as the
    one reply to the message (see channel_replies.py). A refusal is answered without
    reactions: nothing was graded."""

    def __init__(self, cog: SubmissionsCog, message: discord.Message, *, regrade: bool) -> None:
        self.cog = cog
        self.message = message
        self.regrade = regrade
        self.started = False

    async def admitted(self) -> None:
        self.started = True
        remove = (PASSED, NOT_PASSED) if self.regrade else ()
        await self.cog.react(self.message, remove=remove, add=GRADING)

    async def queued(self) -> None:
        await self.cog.replies.answer(self.message, text=QUEUED_NOTICE)

    async def verdict(self, reply: VerdictReply) -> discord.Message | None:
        return await self.cog.replies.answer(self.message, verdict=reply)

    async def problem(self, error: Exception) -> None:
        await self.cog.replies.answer(self.message, text=explain(error).message)

    async def finished(self, outcome: SubmissionOutcome | None) -> None:
        if self.started:
            passed = outcome is not None and outcome.verdict.passed
            await self.cog.react(
                self.message, remove=(GRADING,), add=PASSED if passed else NOT_PASSED
            )
