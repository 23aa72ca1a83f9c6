"""Fenced Python posted in a lesson channel is a submission for the learner's current lesson.

The bot reacts at once (⏳), replies with the verdict, and swaps the reaction for ✅ or ❌.
Editing the message within a few minutes re-grades it and edits the same reply; an edit made
while the message is still being graded is graded right after, and an edit inside the
cooldown waits it out rather than replacing the verdict with a refusal. Messages without a
fence are conversation and are ignored.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.code_extraction import extract_code
from bot.core import AlreadyGrading, SubmissionOutcome
from bot.discord_app.bot import TutorBot
from bot.discord_app.channel_replies import ChannelReplies
from bot.discord_app.channels import is_lesson_channel
from bot.discord_app.errors import ShuttingDown, explain
from bot.discord_app.learners import learner_for, learner_key
from bot.discord_app.submitting import QUEUED_NOTICE
from bot.discord_app.verdicts import GRADED_EVENT, GradedSubmission, verdict_reply

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
        extraction = extract_code(text, require_fence=True)
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
        await self.bot.tracked(self._grade(message, text))

    async def _grade(self, message: discord.Message, text: str) -> None:
        learner = learner_for(message.author, message.guild)
        regrade = self.replies.editable(message.id)
        try:
            if self.bot.closing:
                raise ShuttingDown()
            if self.bot.core.is_grading(learner):
                raise AlreadyGrading()
            if regrade:  # an edit waits out the pause rather than hiding the verdict
                await asyncio.sleep(self.bot.cooldown.remaining(learner_key(learner)))
            self.bot.cooldown.begin(learner_key(learner))
        except Exception as refusal:
            await self.replies.answer(message, text=explain(refusal).message)
            return
        await self._react(message, remove=(PASSED, NOT_PASSED) if regrade else (), add=GRADING)
        if self.bot.sandbox_saturated:
            await self.replies.answer(message, text=QUEUED_NOTICE)
        outcome: SubmissionOutcome | None = None
        try:
            outcome = await self.bot.core.submit(learner, text, require_fence=True)
            verdict = await verdict_reply(outcome, self.bot.verdict_decorators)
            sent = await self.replies.answer(message, verdict=verdict)
            graded = GradedSubmission(outcome, learner, message.author, message.guild, sent)
            self.bot.dispatch(GRADED_EVENT, graded)
        except Exception as error:
            await self.replies.answer(message, text=explain(error).message)
        finally:
            passed = outcome is not None and outcome.verdict.passed
            await self._react(message, remove=(GRADING,), add=PASSED if passed else NOT_PASSED)

    async def _react(
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


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(SubmissionsCog(bot))
