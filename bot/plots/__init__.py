"""Pictures: the loss plot of a training lesson's verdict and the course funnel chart.

spec = plot_for(lesson, verdict)        # None when the verdict gets no picture
async with Plotter() as plotter:
    png = await plotter.render(spec)    # drawn off the event loop, cached
"""

from bot.plots.from_verdict import plot_for
from bot.plots.funnel import funnel_bars
from bot.plots.plotter import Plotter
from bot.plots.specs import FunnelBars, LossBeforeAfter, LossLandscape, LossPerStep, PlotSpec

__all__ = [
    "FunnelBars",
    "LossBeforeAfter",
    "LossLandscape",
    "LossPerStep",
    "PlotSpec",
    "Plotter",
    "funnel_bars",
    "plot_for",
]
