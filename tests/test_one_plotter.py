"""One Plotter per process: the bot's is opened beside the store and the sandbox, shared by
every cog that draws, and closed with them; drawing needs no lock shared across threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.plots import Plotter, funnel_bars
from bot.plots.render import draw_figure
from tests.discord_emulator.harness import bot_on_emulator
from tests.test_plots import funnel_view


async def test_the_bot_owns_the_one_plotter_its_cogs_draw_with(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        plotter = running.bot.plotter
        assert isinstance(plotter, Plotter)
        drawing = [running.bot.get_cog("LossPlotsCog"), running.bot.get_cog("ModerationCog")]
        assert all(cog is not None and "plotter" not in vars(cog) for cog in drawing)
        assert await plotter.render(funnel_bars(funnel_view(2)))
    with pytest.raises(RuntimeError):  # closed with the bot's other resources
        await plotter.render(funnel_bars(funnel_view(3)))


def test_each_thread_draws_on_templates_of_its_own() -> None:
    spec = funnel_bars(funnel_view(4))
    mine = draw_figure(spec)
    assert draw_figure(spec) is mine  # reused on this thread
    theirs: list[object] = []
    worker = threading.Thread(target=lambda: theirs.append(draw_figure(spec)))
    worker.start()
    worker.join()
    assert theirs and theirs[0] is not mine
