"""Draw a plot spec to PNG bytes with matplotlib's Agg renderer.

No pyplot: figures live on their own Agg canvases, so there is no global figure state and
no display is needed. Each kind of picture keeps one figure per lesson (a template: axes,
labels, ticks and styling made once) and only its data artists are replaced per render,
which saves about a third of the time of building a figure from scratch. Templates are
shared, so drawing holds a lock; `Plotter` calls this from its one worker thread, off the
event loop.

Rules every picture keeps: the learner's numbers are what is plotted, with the reference
beside them; the "after" mark is red when the loss rose and green when it fell, and a
rise is also said in words; legends sit outside the data; fonts are large enough to read
at the ~400 px width Discord previews an image at.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, NullLocator

from bot.plots.specs import (
    DOWN,
    UP,
    FunnelBars,
    LossBeforeAfter,
    LossLandscape,
    LossPerStep,
    PlotSpec,
)

DPI = 100
BLUE, ORANGE, GREEN, RED, GREY = "#3b6ea8", "#e08a2c", "#3a9d5d", "#c8453c", "#9aa0a6"
INK, PURPLE, LIGHT_BLUE = "#333333", "#7b4fa0", "#8fb3dc"
# Pictures are ~640 px wide and previewed at ~400: these sizes (points at 100 dpi) stay
# legible there. Set on each text, not through rcParams, which are global to the process.
TEXT, TITLE, SMALL = 15, 16, 13
MAX_TEMPLATES = 32  # a few per lesson; old ones are dropped beyond this
LOG_SPAN = 1e3  # a learner's curve spanning more than this gets a log axis
LEGEND_GAP = 0.62  # inches below the axes: room for the tick labels and the axis label
CURVE_TOLERANCE = 0.02  # relative: the curve is drawn from a grid, between points linear
STEP_TOLERANCE = 0.005  # of the picture's width: a w this close to one correct step is it
EDGE = 0.2  # a point this close to a side gets its tag on the inner side

S = TypeVar("S", bound=PlotSpec)

_lock = threading.Lock()
_templates: dict[Hashable, Figure] = {}


def render_png(spec: PlotSpec) -> bytes:
    with _lock:
        figure = _figure_for(spec)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
        return out.getvalue()


def draw_figure(spec: PlotSpec) -> Figure:
    """The drawn figure itself, for tests that check what a picture holds. It is a shared
    template: read it before drawing anything else."""
    with _lock:
        return _figure_for(spec)


def after_colour(trend: str | None) -> str:
    """Red when the loss rose (or blew up), green when it fell, grey otherwise."""
    return RED if trend == UP else GREEN if trend == DOWN else GREY


def _figure_for(spec: PlotSpec) -> Figure:
    if isinstance(spec, LossLandscape):
        return _draw(("landscape", spec.title), spec, _landscape_template, _landscape)
    if isinstance(spec, LossPerStep):
        key = ("steps", spec.title, bool(spec.big_losses))
        return _draw(key, spec, _steps_template, _steps)
    if isinstance(spec, LossBeforeAfter):
        return _draw(("bars", spec.title), spec, _bars_template, _before_after)
    return _draw(("funnel", len(spec.labels)), spec, _funnel_template, _funnel)


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


def _axes_figure(width: float, heights: tuple[float, ...] = (2.5,)) -> Figure:
    """Panels stacked top to bottom, `heights` in inches, under a title and a verdict line
    and above the axis label and the legend."""
    top, gap, bottom = 0.95, 1.0, 1.75
    height = top + sum(heights) + gap * (len(heights) - 1) + bottom
    figure = Figure(figsize=(width, height), dpi=DPI)
    figure.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights})
    # Fixed margins, in inches: a layout engine would measure every text on every render.
    figure.subplots_adjust(
        left=1.0 / width,
        right=0.96,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / (sum(heights) / len(heights)),
    )
    for ax in figure.axes:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return figure


def _style(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=TEXT)
    ax.set_ylabel(ylabel, fontsize=TEXT)
    ax.tick_params(labelsize=SMALL)


def _heading(figure: Figure, title: str, status: tuple[str, str] | None) -> None:
    """The title, and under it one line saying what happened to the loss, in its colour."""
    figure.text(0.5, 0.985, title, ha="center", va="top", fontsize=TITLE)
    if status is not None:
        text, colour = status
        figure.text(
            0.5,
            0.985 - 0.36 / figure.get_figheight(),
            text,
            ha="center",
            va="top",
            color=colour,
            fontweight="bold",
        )


def _status(trend: str | None, before: float | None, after: float | None) -> tuple[str, str] | None:
    if before is None or after is None:
        return None
    if not math.isfinite(after):
        return f"the loss blew up: {_value(before)} → {_value(after)}", RED
    if trend == UP:
        return f"the loss went up: {_value(before)} → {_value(after)}", RED
    if trend == DOWN:
        return f"the loss went down: {_value(before)} → {_value(after)}", GREEN
    return f"the loss did not change: {_value(after)}", GREY


def _legend_below(ax: Axes, under: Axes | None = None, columns: int = 2) -> None:
    """`ax`'s legend below `under` (default: `ax`), outside the data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        (under or ax).legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, -LEGEND_GAP / _height_inches(under or ax)),
            ncol=columns,
            frameon=False,
            fontsize=SMALL,
            handlelength=1.5,
            columnspacing=1.2,
        )


def _height_inches(ax: Axes) -> float:
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return float(ax.get_position().height * figure.get_figheight())


def _side(fraction: float, prefer_right: bool) -> bool:
    """Whether a point's tag goes to its right: as preferred, but never off the edge of the
    axes (`fraction`: where the point is, 0 at the left, 1 at the right)."""
    if fraction < EDGE:
        return True
    if fraction > 1 - EDGE:
        return False
    return prefer_right


def _value(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def _rescale(ax: Axes) -> None:
    ax.relim()
    ax.autoscale_view()


def _ring(ax: Axes, x: float, y: float, label: str) -> None:
    """The learner's "before" point: a large ring, so a dot on the same spot stays visible."""
    ax.plot(
        [x],
        [y],
        "o",
        markersize=16,
        markerfacecolor="none",
        markeredgecolor=INK,
        markeredgewidth=2.5,
        zorder=4,
        label=label,
    )


def _dot(ax: Axes, x: float, y: float, colour: str, label: str) -> None:
    """The learner's "after" point, inside a ring at the same spot when nothing moved."""
    ax.plot([x], [y], "o", markersize=9, color=colour, zorder=5, label=label)


def _tag(
    ax: Axes, x: float, y: float, text: str, colour: str, *, right: bool, below: bool = False
) -> None:
    """A point's loss value beside it: to its right or left, above it or below it (so two
    tags of points on one spot never overlap)."""
    ax.annotate(
        text,
        (x, y),
        xytext=(14 if right else -14, -8 if below else 8),
        textcoords="offset points",
        ha="left" if right else "right",
        va="top" if below else "bottom",
        color=colour,
        fontweight="bold",
        fontsize=TEXT,
        zorder=6,
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
    )


# The loss over w ("rolling downhill")


def _landscape_template(spec: LossLandscape) -> Figure:
    figure = _axes_figure(6.4)
    _style(figure.axes[0], "w", "loss")
    return figure


def _landscape(figure: Figure, spec: LossLandscape) -> None:
    ax = figure.axes[0]
    grid, loss = np.asarray(spec.w_grid), np.asarray(spec.loss)
    ax.plot(grid, loss, color=BLUE, linewidth=2.5, label="true loss (MSE)")
    expected = float(np.interp(spec.w_expected, grid, loss))
    ax.plot(
        [spec.w_expected],
        [expected],
        "D",
        markersize=9,
        markerfacecolor="none",
        markeredgecolor=BLUE,
        markeredgewidth=2,
        zorder=3,
        label="one correct step",
    )
    true_before = float(np.interp(spec.w_before, grid, loss))
    before = spec.reported_before if spec.reported_before is not None else true_before
    span = (grid[0], grid[-1])
    # The after point's side of the before point: None when w did not move.
    after_right = None if spec.w_after in (None, spec.w_before) else spec.w_after > spec.w_before
    _ring(ax, spec.w_before, before, f"your loss_before: {_value(before)}")
    if spec.reported_before is not None:
        # Away from where the after point went; when w did not move, to the roomier side.
        prefer = not after_right if after_right is not None else spec.w_before < sum(span) / 2
        _tag(
            ax,
            spec.w_before,
            before,
            _value(before),
            INK,
            right=_side(_fraction(spec.w_before, span), prefer),
        )
    colour = after_colour(spec.trend)
    after = spec.reported_after
    if spec.w_after is not None and after is not None and math.isfinite(after):
        _dot(ax, spec.w_after, after, colour, f"your loss_after: {_value(after)}")
        prefer = after_right if after_right is not None else spec.w_after < sum(span) / 2
        right = _side(_fraction(spec.w_after, span), prefer)
        # Below the point only when it sits on the before point, whose tag is above.
        _tag(ax, spec.w_after, after, _value(after), colour, right=right, below=after_right is None)
        if (spec.w_after, after) != (spec.w_before, before):
            ax.annotate(
                "",
                xy=(spec.w_after, after),
                xytext=(spec.w_before, before),
                arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 2},
            )
    elif spec.w_after is not None:  # no usable loss_after: show where w went, on the curve
        on_curve = float(np.interp(spec.w_after, grid, loss))
        _dot(ax, spec.w_after, on_curve, colour, f"your w after: {spec.w_after:.3g}")
    _heading(figure, spec.title, _landscape_status(spec))
    _rescale(ax)
    _legend_below(ax)


def _off_curve(spec: LossLandscape) -> str | None:
    """Whether a reported loss is not the MSE at its `w` (say, summed instead of averaged)."""
    grid, loss = np.asarray(spec.w_grid), np.asarray(spec.loss)
    points = [(spec.w_before, spec.reported_before, "loss_before")]
    if spec.w_after is not None:
        points.append((spec.w_after, spec.reported_after, "loss_after"))
    for w, reported, name in points:
        if reported is None or not math.isfinite(reported):
            continue
        true = float(np.interp(w, grid, loss))
        if abs(reported - true) > CURVE_TOLERANCE * max(abs(true), 1e-3):
            return f"your {name} {_value(reported)} is not the MSE ({_value(true)})"
    return None


def _fraction(x: float, span: tuple[float, float]) -> float:
    return (x - span[0]) / (span[1] - span[0]) if span[1] > span[0] else 0.5


def _landscape_status(spec: LossLandscape) -> tuple[str, str] | None:
    if spec.off_chart:
        return "your w after the step is far outside this picture", RED
    if spec.w_after is None:
        return "no number in w after your code ran", RED
    said = _status(spec.trend, spec.reported_before, spec.reported_after)
    if said is not None and said[1] == RED:
        return said
    off = _off_curve(spec)
    if off is not None:
        return off, RED
    width = spec.w_grid[-1] - spec.w_grid[0]
    if abs(spec.w_after - spec.w_expected) > STEP_TOLERANCE * width:
        # Downhill, but not one step of the lesson's size (say, many steps at once).
        return f"your w: {spec.w_after:.3g}, one correct step: {spec.w_expected:.3g}", RED
    return said


# The loss per step of a training loop


def _steps_template(spec: LossPerStep) -> Figure:
    figure = _axes_figure(6.4, (2.5, 1.5) if spec.big_losses else (2.5,))
    _style(figure.axes[0], "step", "loss")
    if spec.big_losses:
        big = figure.axes[1]
        big.set_yscale("log")
        _style(big, "step", "loss (log scale)")
        # Every tick is a text to lay out on every render: a log axis's default minor ticks
        # (and their labels) were most of the drawing time.
        big.yaxis.set_major_locator(LogLocator(numticks=5))
        big.yaxis.set_minor_locator(NullLocator())
        big.yaxis.set_minor_formatter(NullFormatter())
    for axes in figure.axes:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    return figure


def _steps(figure: Figure, spec: LossPerStep) -> None:
    ax = figure.axes[0]
    if spec.reference:
        steps = np.arange(len(spec.reference))
        ax.plot(
            steps, spec.reference, color=BLUE, linewidth=2.5, label=f"correct run (lr {spec.lr:g})"
        )
    learner = np.array(spec.learner, dtype=float)
    learner[~np.isfinite(learner)] = np.nan  # drawn up to where it blew up
    if learner.size:
        ax.plot(
            np.arange(learner.size),
            learner,
            color=PURPLE,
            linewidth=2.5,
            linestyle="--",
            label="your recorded losses",
        )
    last = (len(spec.reference) or len(spec.learner)) - 1
    if spec.loss_before is not None:
        _ring(ax, 0, spec.loss_before, f"your loss_before: {_value(spec.loss_before)}")
        _tag(ax, 0, spec.loss_before, _value(spec.loss_before), INK, right=True)
    colour = after_colour(spec.trend)
    if spec.loss_after is not None and math.isfinite(spec.loss_after) and last > 0:
        _dot(ax, last, spec.loss_after, colour, f"your loss_after: {_value(spec.loss_after)}")
        _tag(ax, last, spec.loss_after, _value(spec.loss_after), colour, right=False)
    blew_up = spec.blew_up_at
    if blew_up is not None:
        ax.axvline(
            blew_up,
            color=RED,
            linestyle=":",
            linewidth=2,
            label=f"blew up at step {blew_up}",
        )
    _log_if_wide(ax, [*spec.reference, *spec.learner, spec.loss_before, spec.loss_after])
    _rescale(ax)
    if len(spec.learner) > 1:  # every recorded step, also those after it blew up
        ax.set_xlim(-0.02 * last, max(last, len(spec.learner) - 1) * 1.02)
    if spec.big_losses:
        big = figure.axes[1]
        big.plot(np.arange(len(spec.big_losses)), spec.big_losses, color=RED, linewidth=2.5)
        big.set_title(f"your lr_too_big = {spec.big_lr:.3g}", fontsize=TEXT)
        _rescale(big)
    _heading(figure, spec.title, _status(spec.trend, spec.loss_before, spec.loss_after))
    _legend_below(ax, figure.axes[-1])


def _log_if_wide(ax: Axes, values: list[float | None]) -> None:
    positive = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    wide = bool(positive) and max(positive) / min(positive) > LOG_SPAN
    ax.set_yscale("log" if wide else "linear")
    if wide:
        ax.yaxis.set_major_locator(LogLocator(numticks=5))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_formatter(NullFormatter())


# Any other training lesson: loss before and after


def _bars_template(spec: LossBeforeAfter) -> Figure:
    figure = Figure(figsize=(6.4, 4.6), dpi=DPI)
    ax = figure.add_subplot()
    figure.subplots_adjust(left=1.0 / 6.4, right=0.96, top=1 - 0.95 / 4.6, bottom=0.6 / 4.6)
    _style(ax, "", "loss")
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def _before_after(figure: Figure, spec: LossBeforeAfter) -> None:
    ax = figure.axes[0]
    blew_up = not math.isfinite(spec.loss_after)
    # A loss that blew up has no height: its bar reaches past the top, hatched.
    top = max(spec.loss_before, 0.0 if blew_up else spec.loss_after) * 1.25 or 1.0
    heights = [spec.loss_before, top if blew_up else spec.loss_after]
    bars = ax.bar(
        ["your loss_before", "your loss_after"],
        heights,
        color=[LIGHT_BLUE, after_colour(spec.trend)],
        width=0.6,
    )
    if blew_up:
        bars[1].set_hatch("//")
    ax.bar_label(
        bars,
        labels=[_value(spec.loss_before), _value(spec.loss_after)],
        padding=3,
        fontweight="bold",
    )
    ax.set_ylim(0, top * 1.12)
    _heading(figure, spec.title, _status(spec.trend, spec.loss_before, spec.loss_after))


# The course funnel


def _funnel_template(spec: FunnelBars) -> Figure:
    height = 1.5 + 0.75 * len(spec.labels)
    figure = Figure(figsize=(6.4, height), dpi=DPI)
    ax = figure.add_subplot()
    # Lesson names sit above their bars, so the bars get the whole width; the title and
    # the legend sit above the axes, clear of lesson 7's bar.
    figure.subplots_adjust(left=0.04, right=0.96, top=1 - 1.0 / height, bottom=0.6 / height)
    _style(ax, "learners", "")
    ax.set_yticks([])
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no half learners
    return figure


def _funnel(figure: Figure, spec: FunnelBars) -> None:
    ax = figure.axes[0]
    rows = np.arange(len(spec.labels))
    left = np.zeros(len(rows))
    for values, colour, name in (
        (spec.passed, GREEN, "passed"),
        (spec.stuck, RED, "stuck"),
        (spec.working, LIGHT_BLUE, "working on it"),
    ):
        bars = ax.barh(rows + 0.12, values, left=left, height=0.45, color=colour, label=name)
        # Counts inside their segment, and none for an empty one.
        ax.bar_label(
            bars,
            labels=[str(v) if v else "" for v in values],
            label_type="center",
            fontweight="bold",
            fontsize=SMALL,
        )
        left += np.asarray(values)
    for row, (label, reached) in enumerate(zip(spec.labels, spec.reached, strict=True)):
        ax.text(
            0, row - 0.16, f"{label}  ·  reached {reached}", va="bottom", ha="left", fontsize=SMALL
        )
    ax.set_ylim(len(spec.labels) - 0.5, -0.6)  # lesson 1 on top
    ax.set_xlim(0, max([*spec.reached, 1]))
    figure.text(0.5, 0.99, spec.title, ha="center", va="top", fontsize=TITLE)
    figure.legend(
        *ax.get_legend_handles_labels(),
        loc="upper center",
        bbox_to_anchor=(0.5, 1 - 0.45 / figure.get_figheight()),
        ncol=3,
        frameon=False,
        fontsize=SMALL,
    )
