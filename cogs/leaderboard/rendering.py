"""The leaderboard as an embed, a page at a time."""

from __future__ import annotations

import discord

from bot.core import LeaderboardPage
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import plain_name, plural, truncate, when


def leaderboard_embed(board: LeaderboardPage, titles: dict[str, str]) -> discord.Embed:
    embed = discord.Embed(title="🏆 Leaderboard", colour=discord.Colour.gold())
    if board.total == 0:
        embed.description = "Nobody has passed a lesson here yet."
        return embed
    lines = []
    for row in board.entries:
        # The mention may show as "@unknown-user" to a moderator whose client has not
        # loaded that member: the name beside it says who it is.
        where = (
            "🎓 finished the course"
            if row.completed >= len(titles)
            else f"now on {titles.get(row.current_lesson_id or '', '—')}"
        )
        lines.append(
            f"**{row.rank}.** <@{row.user_id}> ({plain_name(truncate(row.display_name, 32))}) · "
            f"{plural(row.completed, 'lesson')} · {where} · {plural(row.attempts, 'attempt')}"
            f" · active {when(row.last_active_at or row.last_completed_at)}"
        )
    embed.description = truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    embed.set_footer(
        text=f"Page {board.page + 1} of {board.page_count} · {board.total} learners ranked"
        " · rank, learner, lessons completed, current lesson, attempts, last activity"
    )
    return embed
