"""The contracts between features: a verdict's decorators and the "graded" event.

Other cogs can decorate verdicts without touching the submission paths: a decorator gets the
outcome and the embed (it may set the embed's image to `attachment://name.png`) and returns
files to attach (`bot.verdict_decorators.append(fn)`). A failing decorator costs its
picture, never the verdict.

After a verdict is sent, the bot dispatches `tutor_submission_graded` with a
`GradedSubmission`, for listeners such as course-completion roles or announcements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.core import Learner, SubmissionOutcome

VerdictDecorator = Callable[[SubmissionOutcome, discord.Embed], Awaitable[list[discord.File]]]
GRADED_EVENT = "tutor_submission_graded"


@dataclass(frozen=True)
class GradedSubmission:
    outcome: SubmissionOutcome
    learner: Learner
    user: discord.User | discord.Member
    guild: discord.Guild | None
    reply: discord.Message | discord.InteractionMessage | None
