"""The course for learners: `/lesson ...`, `/progress`, and the Hint and Next buttons.

- `commands`   the `/lesson` group, and what Hint and Next do when pressed
- `progress`   `/progress`
- `replies`    a lesson or a hint as private answers (the lesson's buttons on the last one)
- `rendering`  a lesson, the lesson list and progress as embeds
"""

from __future__ import annotations

from bot.discord_app.bot import TutorBot
from cogs.lessons.commands import LessonCog
from cogs.lessons.progress import ProgressCog


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(LessonCog(bot))
    await bot.add_cog(ProgressCog(bot))
