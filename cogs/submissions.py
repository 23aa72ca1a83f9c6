"""Fenced Python posted in a lesson channel is a submission for the learner's current lesson.

The bot reacts at once (⏳), replies with the verdict, and swaps the reaction for ✅ or ❌.
Editing the message within a few minutes re-grades it and edits the same reply. Messages
without a fence are conversation and are ignored.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.code_extraction import extract_code
from bot.core import AlreadyGrading, SubmissionOutcome
from bot.discord_app.bot import TutorBot
from bot.discord_app.channels import is_lesson_channel
from bot.discord_app.errors import explain
from bot.discord_app.learners import learner_for, learner_key
from bot.discord_app.replies import verdict_message
from bot.discord_app.reply_index import ReplyIndex
from bot.discord_app.submitting import QUEUED_NOTICE

log = logging.getLogger(__name__)

GRADING, PASSED, NOT_PASSED = "⏳", "✅", "❌"


class SubmissionsCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot
        self.replies = ReplyIndex()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        await self._consider(message, message.content, reply_id=None)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        reply_id = self.replies.reply_to(payload.message_id)
        # Only submissions we answered, and only real content edits (not link previews).
        if reply_id is None or "content" not in payload.data:
            return
        message = payload.message
        if message.author.bot:
            return
        await self._consider(message, message.content, reply_id=reply_id)

    async def _consider(self, message: discord.Message, text: str, reply_id: int | None) -> None:
        extraction = extract_code(text, require_fence=True)
        if extraction.code is None and extraction.problem is None:
            return  # conversation, not code
        if not await is_lesson_channel(self.bot, message):
            return
        if extraction.code is None:
            await self._answer(message, reply_id, content=extraction.problem)
            return
        await self.bot.tracked(self._grade(message, text, reply_id))

    async def _grade(self, message: discord.Message, text: str, reply_id: int | None) -> None:
        learner = learner_for(message.author, message.guild)
        try:
            if self.bot.core.is_grading(learner):
                raise AlreadyGrading()
            self.bot.cooldown.begin(learner_key(learner))
        except Exception as refusal:
            await self._answer(message, reply_id, content=explain(refusal).message)
            return
        await self._react(message, remove=(PASSED, NOT_PASSED) if reply_id else (), add=GRADING)
        if self.bot.sandbox_saturated:
            reply_id = await self._answer(message, reply_id, content=QUEUED_NOTICE)
        outcome: SubmissionOutcome | None = None
        try:
            outcome = await self.bot.core.submit(learner, text, require_fence=True)
        except Exception as error:
            await self._answer(message, reply_id, content=explain(error).message)
        else:
            embed, buttons = verdict_message(outcome)
            await self._answer(message, reply_id, embed=embed, view=buttons)
        finally:
            passed = outcome is not None and outcome.verdict.passed
            await self._react(message, remove=(GRADING,), add=PASSED if passed else NOT_PASSED)

    async def _answer(
        self,
        message: discord.Message,
        reply_id: int | None,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> int:
        """Reply to the submission, or edit our earlier reply to it; returns the reply's id."""
        if reply_id is not None:
            previous = message.channel.get_partial_message(reply_id)  # type: ignore[union-attr]
            try:
                edited = await previous.edit(
                    content=content, embeds=[embed] if embed else [], view=view
                )
                self.replies.remember(message.id, edited.id)
                return edited.id
            except discord.NotFound:
                pass  # our reply was deleted: post a new one
        reply = await message.reply(
            content,
            embeds=[embed] if embed else [],
            view=view or discord.ui.View(),  # an empty view sends no components
            mention_author=False,
        )
        self.replies.remember(message.id, reply.id)
        return reply.id

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
