"""Draw a plot spec to PNG bytes with matplotlib's Agg renderer.

No pyplot: figures live on their own Agg canvases, so there is no global figure state and
no display is needed. Each kind of picture keeps one figure per lesson (a template: axes,
labels, ticks and styling made once) and only its data artists are replaced per render,
which saves about a third of the time of building a figure from scratch. Each thread keeps
its own templates, so no lock is needed: in the bot and the terminal the process's one
`Plotter` calls this from its one worker thread, off the event loop (a test or benchmark
drawing on its own thread gets templates of its own).

What each picture holds is drawn in `draw_landscape`, `draw_training` and `draw_funnel`;
the rules they all keep (colours, fonts, legends, the learner's points) are in `style`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.plots.draw_funnel import draw_funnel, funnel_template
from bot.plots.draw_landscape import draw_landscape, landscape_template
from bot.plots.draw_training import bars_template, draw_before_after, draw_steps, steps_template
from bot.plots.specs import LossBeforeAfter, LossLandscape, LossPerStep, PlotSpec
from bot.plots.style import DPI

MAX_TEMPLATES = 32  # a few per lesson; old ones are dropped beyond this

S = TypeVar("S", bound=PlotSpec)

_per_thread = threading.local()


def render_png(spec: PlotSpec) -> bytes:
    figure = _figure_for(spec)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def draw_figure(spec: PlotSpec) -> Figure:
    """The drawn figure itself, for tests that check what a picture holds. It is this
    thread's template: read it before drawing anything else."""
    return _figure_for(spec)


def templates() -> dict[Hashable, Figure]:
    """This thread's templates (the benchmark clears them for its from-scratch baseline)."""
    found: dict[Hashable, Figure] | None = getattr(_per_thread, "templates", None)
    if found is None:
        found = _per_thread.templates = {}
    return found


def _figure_for(spec: PlotSpec) -> Figure:
    if isinstance(spec, LossLandscape):
        return _draw(("landscape", spec.title), spec, landscape_template, draw_landscape)
    if isinstance(spec, LossPerStep):
        key = ("steps", spec.title, bool(spec.big_losses))
        return _draw(key, spec, steps_template, draw_steps)
    if isinstance(spec, LossBeforeAfter):
        return _draw(("bars", spec.title), spec, bars_template, draw_before_after)
    return _draw(("funnel", len(spec.labels)), spec, funnel_template, draw_funnel)


def _draw(
    key: Hashable,
    spec: S,
    make: Callable[[S], Figure],
    fill: Callable[[Figure, S], None],
) -> Figure:
    kept = templates()
    figure = kept.get(key)
    if figure is None:
        if len(kept) >= MAX_TEMPLATES:
            kept.pop(next(iter(kept)))
        figure = kept[key] = make(spec)
        FigureCanvasAgg(figure)
    for ax in figure.axes:
        _clear_data(ax)
    for artist in [*figure.texts, *figure.legends]:
        artist.remove()
    fill(figure, spec)
    return figure


def _clear_data(ax: Axes) -> None:
    """Remove what the last render drew; keep the axes, ticks, labels and styling."""
    for container in list(ax.containers):
        container.remove()
    for artist in [*ax.lines, *ax.collections, *ax.texts, *ax.patches]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
