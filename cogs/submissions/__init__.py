"""Submissions: fenced code posted in a lesson channel, and the Submit form, graded the one way.

- `grading`     the one path: the core admits and grades, the verdict is rendered and
                delivered, the graded event announced; `Delivery` is what each way shows
- `channel`     code posted in a channel (and edits of it): reactions and one reply
- `form`        the Submit form and button, answered privately
- `modal`       the form itself, and reading its answers from the interaction
- `verdicts`, `verdict_rendering`  the verdict as an embed with buttons and files
- `channel_replies`, `reply_index`, `channels`  where and how channel answers go
"""

from __future__ import annotations

from bot.discord_app.bot import TutorBot
from cogs.submissions.channel import SubmissionsCog
from cogs.submissions.form import SubmitFormCog


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(SubmissionsCog(bot))
    await bot.add_cog(SubmitFormCog(bot))
