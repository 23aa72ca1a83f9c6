"""The leaderboard, a page at a time, with Previous/Next buttons.

Only the moderator who asked may turn the pages (others are told so, privately); after a
few minutes without a press the buttons are removed, so nobody presses a dead button.
"""

from __future__ import annotations

import contextlib
from typing import Any

import discord

from bot.core import TutorCore
from bot.discord_app.prompts import PromptView
from cogs.leaderboard.rendering import leaderboard_embed

PAGE_SIZE = 10
PAGER_TIMEOUT_S = 180.0
NOT_YOURS = "These buttons belong to whoever asked for this leaderboard: use /leaderboard."


class LeaderboardPager(PromptView):
    def __init__(
        self,
        session: str,
        core: TutorCore,
        scope: str,
        owner_id: int,
        course_titles: dict[str, str],
        *,
        timeout: float | None = None,
    ) -> None:
        super().__init__(session, timeout=PAGER_TIMEOUT_S if timeout is None else timeout)
        self.core = core
        self.scope = scope
        self.owner_id = owner_id
        self.titles = course_titles
        self.page = 0
        self.page_count = 1
        self.origin: discord.Interaction | None = None

    async def first_page(self) -> discord.Embed:
        return await self._render()

    async def _render(self) -> discord.Embed:
        board = await self.core.leaderboard(self.scope, self.page, PAGE_SIZE)
        self.page_count = board.page_count
        self.page = min(self.page, board.page_count - 1)
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= board.page_count - 1
        return leaderboard_embed(board, self.titles)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Previous", emoji="◀️", custom_id="leaderboard:previous")
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.page = max(0, self.page - 1)
        await interaction.response.edit_message(embed=await self._render(), view=self)

    @discord.ui.button(label="Next", emoji="▶️", custom_id="leaderboard:next")
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        self.page += 1
        await interaction.response.edit_message(embed=await self._render(), view=self)

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        # The message may be gone or the token expired (15 minutes): nothing left to tidy.
        with contextlib.suppress(discord.HTTPException):
            await self.origin.edit_original_response(view=None)
