"""A graded submission as the message that answers it: embed, buttons, and any files the
verdict decorators add (see `bot.discord_app.events`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.core import SubmissionOutcome
from bot.discord_app.buttons import verdict_buttons
from bot.discord_app.events import VerdictDecorator
from cogs.submissions.verdict_rendering import verdict_embed

log = logging.getLogger(__name__)


@dataclass
class VerdictReply:
    embed: discord.Embed
    view: discord.ui.View
    files: list[discord.File] = field(default_factory=list)


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
