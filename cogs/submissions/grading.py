"""Grading one submission, the same way whichever way it came in.

The core admits it (or refuses: stopping, already grading, cooldown), grades it and records
it; this renders the verdict, hands it to the delivery and announces it to other features.
Each way of submitting is a thin `Delivery`: a channel message (`channel.py`) reacts and
replies, the Submit form (`form.py`) answers its deferred interaction. The terminal calls
the core the same way, with nothing to show until the verdict.
"""

from __future__ import annotations

import discord

from bot.code_extraction import Extraction
from bot.core import Learner, SubmissionEvents, SubmissionOutcome
from bot.discord_app.client import TutorClient
from bot.discord_app.events import GRADED_EVENT, GradedSubmission
from cogs.submissions.verdicts import VerdictReply, verdict_reply

QUEUED_NOTICE = "⏳ All sandboxes are busy right now: your code is queued and will run in a moment."


class Delivery(SubmissionEvents):
    """How one way of submitting shows a grading. `admitted` and `queued` (from
    SubmissionEvents) come from the core while it works."""

    async def verdict(
        self, reply: VerdictReply
    ) -> discord.Message | discord.InteractionMessage | None:
        """Send the verdict; the message it became, if any."""
        raise NotImplementedError

    async def problem(self, error: Exception) -> None:
        """Explain a refusal or a failure (never raises)."""
        raise NotImplementedError

    async def finished(self, outcome: SubmissionOutcome | None) -> None:
        """After everything, whether or not it was graded (`outcome` None: it was not)."""


async def grade_and_deliver(
    bot: TutorClient,
    learner: Learner,
    user: discord.User | discord.Member,
    guild: discord.Guild | None,
    text: str | Extraction,
    delivery: Delivery,
    *,
    lesson_id: str | None = None,
    require_fence: bool = False,
    wait_out_cooldown: bool = False,
) -> None:
    outcome: SubmissionOutcome | None = None
    try:
        outcome = await bot.core.submit(
            learner,
            text,
            lesson_id,
            require_fence=require_fence,
            events=delivery,
            wait_out_cooldown=wait_out_cooldown,
        )
        reply = await verdict_reply(outcome, bot.verdict_decorators)
        sent = await delivery.verdict(reply)
        bot.dispatch(GRADED_EVENT, GradedSubmission(outcome, learner, user, guild, sent))
    except Exception as error:
        await delivery.problem(error)
    finally:
        await delivery.finished(outcome)
