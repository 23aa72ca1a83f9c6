"""`/leaderboard` for moderators: `commands`, the paged view (`pager`) and its embed
(`rendering`)."""

from __future__ import annotations

from bot.discord_app.bot import TutorBot
from cogs.leaderboard.commands import LeaderboardCog


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(LeaderboardCog(bot))
