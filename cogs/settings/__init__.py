"""Each server's tutor settings: `/tutor config ...` and what they set in motion.

- `actions`     what each `/tutor config` command does (the commands themselves sit in the
                `/tutor` group of `cogs/moderation`: Discord gives a group one owner)
- `rendering`   the settings as an embed, with delivery problems
- `role_rules`  which roles may be set, and why a role or channel can't be delivered
- `completion`  on finishing the course: the completion role and the announcement
"""

from __future__ import annotations

from bot.discord_app.bot import TutorBot
from cogs.settings.completion import CompletionCog


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(CompletionCog(bot))
