"""The loss plot under a training lesson's verdict.

A verdict decorator (see `bot.discord_app.events`): the picture is drawn off the event
loop by the bot's one `Plotter`, attached as `loss.png` and shown as the embed's image.
Lessons that do not train, and runs that did not finish, get no picture.
"""

from __future__ import annotations

import io

import discord
from discord.ext import commands

from bot.core import SubmissionOutcome
from bot.discord_app.bot import TutorBot
from bot.plots import plot_for

PLOT_NAME = "loss.png"


class LossPlotsCog(commands.Cog):
    def __init__(self, bot: TutorBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.verdict_decorators.append(self.attach_plot)

    async def cog_unload(self) -> None:
        self.bot.verdict_decorators.remove(self.attach_plot)

    async def attach_plot(
        self, outcome: SubmissionOutcome, embed: discord.Embed
    ) -> list[discord.File]:
        spec = plot_for(outcome.lesson, outcome.verdict)
        if spec is None:
            return []
        png = await self.bot.plotter.render(spec)
        embed.set_image(url=f"attachment://{PLOT_NAME}")
        return [discord.File(io.BytesIO(png), filename=PLOT_NAME)]


async def setup(bot: TutorBot) -> None:
    await bot.add_cog(LossPlotsCog(bot))
