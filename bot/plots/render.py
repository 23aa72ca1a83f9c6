"""Draw a plot spec to PNG bytes with matplotlib's Agg renderer.

No pyplot: figures live on their own Agg canvases, so there is no global figure state and
no display is needed. Each kind of picture keeps one figure per lesson (a template: axes,
labels, ticks and styling made once) and only its data artists are replaced per render,
which saves about a third of the time of building a figure from scratch. Templates are
shared, so drawing holds a lock; `Plotter` calls this from its one worker thread, off the
event loop.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, NullLocator

from bot.plots.specs import FunnelBars, LossBeforeAfter, LossLandscape, LossPerStep, PlotSpec

DPI = 100
BLUE, ORANGE, GREEN, RED, GREY = "#3b6ea8", "#e08a2c", "#3a9d5d", "#c8453c", "#9aa0a6"
# A fixed title height: matplotlib otherwise measures every tick label on each render to
# place titles clear of them, a third of the drawing time. Our axes have no top labels.
TITLE_Y = 1.01
MAX_TEMPLATES = 32  # a few per lesson; old ones are dropped beyond this

S = TypeVar("S", bound=PlotSpec)

_lock = threading.Lock()
_templates: dict[Hashable, Figure] = {}


def render_png(spec: PlotSpec) -> bytes:
    with _lock:
        if isinstance(spec, LossLandscape):
            figure = _draw(("landscape", spec.title), spec, _landscape_template, _landscape)
        elif isinstance(spec, LossPerStep):
            key = ("steps", spec.title, bool(spec.big_losses))
            figure = _draw(key, spec, _steps_template, _steps)
        elif isinstance(spec, LossBeforeAfter):
            figure = _draw(("bars", spec.title), spec, _bars_template, _before_after)
        else:
            figure = _draw(("funnel", len(spec.labels)), spec, _funnel_template, _funnel)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
        return out.getvalue()


def _draw(
    key: Hashable,
    spec: S,
    make: Callable[[S], Figure],
    fill: Callable[[Figure, S], None],
) -> Figure:
    figure = _templates.get(key)
    if figure is None:
        if len(_templates) >= MAX_TEMPLATES:
            _templates.pop(next(iter(_templates)))
        figure = _templates[key] = make(spec)
        FigureCanvasAgg(figure)
    for ax in figure.axes:
        _clear_data(ax)
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


def _axes_figure(width: float, height: float, panels: int = 1) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    figure.subplots(1, panels, squeeze=False)
    # Fixed margins (in inches on the left, for the tick labels and the axis label): a
    # layout engine would measure every text on every render.
    figure.subplots_adjust(left=0.72 / width, right=0.97, top=0.9, bottom=0.14, wspace=0.3)
    for ax in figure.axes:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return figure


def _rescale(ax: Axes) -> None:
    ax.relim()
    ax.autoscale_view()


def _point(ax: Axes, x: float, y: float, colour: str, label: str) -> None:
    # A marker-only line rather than scatter: lines count when the axes rescale.
    ax.plot([x], [y], "o", markersize=8, color=colour, zorder=3, label=label)


# The loss over w ("rolling downhill")


def _landscape_template(spec: LossLandscape) -> Figure:
    figure = _axes_figure(6.0, 3.6)
    ax = figure.axes[0]
    ax.set_title(spec.title, y=TITLE_Y)
    ax.set_xlabel("w")
    ax.set_ylabel("loss (MSE)")
    return figure


def _landscape(figure: Figure, spec: LossLandscape) -> None:
    ax = figure.axes[0]
    grid, loss = np.asarray(spec.w_grid), np.asarray(spec.loss)
    ax.plot(grid, loss, color=BLUE, linewidth=2, label="loss for each w")
    ax.axvline(spec.w_best, color=GREY, linestyle=":", label=f"lowest loss, w = {spec.w_best:.3g}")
    before = float(np.interp(spec.w_before, grid, loss))
    _point(ax, spec.w_before, before, ORANGE, f"w before = {spec.w_before:.3g}")
    if spec.w_after is not None:
        after = float(np.interp(spec.w_after, grid, loss))
        _point(ax, spec.w_after, after, GREEN, f"w after = {spec.w_after:.3g}")
        ax.annotate(
            "",
            xy=(spec.w_after, after),
            xytext=(spec.w_before, before),
            arrowprops={"arrowstyle": "->", "color": GREEN, "linewidth": 1.5},
        )
    note = None
    if spec.off_chart:
        note = "your w after the step is far outside this picture"
    elif spec.w_after is None:
        note = "no number in w after your code ran"
    if note:
        ax.text(0.5, 0.95, note, transform=ax.transAxes, ha="center", va="top", color=RED)
    _rescale(ax)
    ax.legend(loc="upper right", fontsize="small", framealpha=0.8)


# The loss per step of a training loop


def _steps_template(spec: LossPerStep) -> Figure:
    figure = _axes_figure(7.5 if spec.big_losses else 6.0, 3.6, 2 if spec.big_losses else 1)
    ax = figure.axes[0]
    ax.set_title(spec.title, y=TITLE_Y)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (MSE)")
    if spec.big_losses:
        big = figure.axes[1]
        big.set_yscale("log")
        big.set_xlabel("step")
        big.set_ylabel("loss (log scale)")
        # Every tick is a text to lay out on every render: a log axis's default minor ticks
        # (and their labels) were most of the drawing time.
        big.yaxis.set_major_locator(LogLocator(numticks=6))
        big.yaxis.set_minor_locator(NullLocator())
        big.yaxis.set_minor_formatter(NullFormatter())
    for axes in figure.axes:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    return figure


def _steps(figure: Figure, spec: LossPerStep) -> None:
    ax = figure.axes[0]
    label = f"gradient descent, lr = {spec.lr:g}"
    ax.plot(np.arange(len(spec.losses)), spec.losses, color=BLUE, linewidth=2, label=label)
    if spec.loss_before is not None:
        _point(ax, 0, spec.loss_before, ORANGE, f"your loss_before = {spec.loss_before:.4g}")
    if spec.loss_after is not None:
        last = len(spec.losses) - 1
        _point(ax, last, spec.loss_after, GREEN, f"your loss_after = {spec.loss_after:.4g}")
    _rescale(ax)
    ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    if spec.big_losses:
        big = figure.axes[1]
        big.plot(np.arange(len(spec.big_losses)), spec.big_losses, color=RED, linewidth=2)
        big.set_title(f"lr_too_big = {spec.big_lr:.3g}: the loss grows", y=TITLE_Y)
        _rescale(big)


# Any other training lesson: loss before and after


def _bars_template(spec: LossBeforeAfter) -> Figure:
    figure = _axes_figure(4.5, 3.2)
    ax = figure.axes[0]
    ax.set_title(spec.title, y=TITLE_Y)
    ax.set_ylabel("loss")
    return figure


def _before_after(figure: Figure, spec: LossBeforeAfter) -> None:
    ax = figure.axes[0]
    values = [spec.loss_before, spec.loss_after]
    bars = ax.bar(["loss_before", "loss_after"], values, color=[ORANGE, GREEN])
    ax.bar_label(bars, labels=[f"{v:.4g}" for v in values])
    _rescale(ax)


# The course funnel


def _funnel_template(spec: FunnelBars) -> Figure:
    figure = Figure(figsize=(7.0, 1.2 + 0.55 * len(spec.labels)), dpi=DPI)
    ax = figure.add_subplot()
    # Room on the left for "7. Training a whole network".
    figure.subplots_adjust(left=0.34, right=0.95, top=1 - 0.5 / (1.2 + 0.55 * len(spec.labels)))
    ax.set_xlabel("learners")
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def _funnel(figure: Figure, spec: FunnelBars) -> None:
    ax = figure.axes[0]
    rows = np.arange(len(spec.labels))
    height = 0.27
    for offset, values, colour, name in (
        (-height, spec.reached, BLUE, "reached"),
        (0.0, spec.passed, GREEN, "passed"),
        (height, spec.stuck, RED, "stuck"),
    ):
        bars = ax.barh(rows + offset, values, height=height, color=colour, label=name)
        ax.bar_label(bars, padding=2, fontsize="small")
    ax.set_yticks(rows, spec.labels)
    ax.set_ylim(len(spec.labels) - 0.5, -0.5)  # lesson 1 on top
    ax.set_xlim(0, max([*spec.reached, 1]) * 1.12)  # room for the count labels
    ax.set_title(spec.title, y=TITLE_Y)
    ax.legend(loc="lower right", fontsize="small")
