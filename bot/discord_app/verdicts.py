"""A graded submission as the message that answers it: embed, buttons, and any files.

Other cogs can decorate verdicts without touching the submission paths: a decorator gets the
outcome and the embed (it may set the embed's image to `attachment://name.png`) and returns
files to attach. A failing decorator costs its picture, never the verdict.

After a verdict is sent, the bot dispatches `tutor_submission_graded` with a
`GradedSubmission`, for listeners such as course-completion roles or announcements.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import discord

from bot.core import Learner, SubmissionOutcome
from bot.discord_app.buttons import verdict_buttons
from bot.discord_app.rendering.verdict import verdict_embed

log = logging.getLogger(__name__)

VerdictDecorator = Callable[[SubmissionOutcome, discord.Embed], Awaitable[list[discord.File]]]
GRADED_EVENT = "tutor_submission_graded"


@dataclass
class VerdictReply:
    embed: discord.Embed
    view: discord.ui.View
    files: list[discord.File] = field(default_factory=list)


@dataclass(frozen=True)
class GradedSubmission:
    outcome: SubmissionOutcome
    learner: Learner
    user: discord.User | discord.Member
    guild: discord.Guild | None
    reply: discord.Message | discord.InteractionMessage | None


async def verdict_reply(
    outcome: SubmissionOutcome, decorators: Sequence[VerdictDecorator] = ()
) -> VerdictReply:
    embed = verdict_embed(
        outcome.verdict,
        outcome.lesson,
        unlocked=outcome.unlocked,
        course_completed=outcome.course_completed,
    )
    buttons = verdict_buttons(
        outcome.lesson.id, passed=outcome.verdict.passed, has_next=not outcome.course_completed
    )
    reply = VerdictReply(embed, buttons)
    for decorate in decorators:
        try:
            reply.files.extend(await decorate(outcome, embed))
        except Exception:
            log.exception("a verdict decorator failed; sending the verdict without it")
    return reply
