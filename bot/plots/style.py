"""What every picture shares: colours, font sizes, fixed layouts, the heading that says
what happened to the loss, and how the learner's points and their loss values are drawn.

The rules every picture keeps live here: the "after" mark is red when the loss rose and
green when it fell, and a rise is also said in words; the "before" point is a ring, so an
"after" dot on the same spot stays visible; legends sit outside the data; fonts are large
enough to read at the ~400 px width Discord previews an image at.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.plots.specs import DOWN, UP

DPI = 100
BLUE, ORANGE, GREEN, RED, GREY = "#3b6ea8", "#e08a2c", "#3a9d5d", "#c8453c", "#9aa0a6"
INK, PURPLE, LIGHT_BLUE = "#333333", "#7b4fa0", "#8fb3dc"
# Pictures are ~640 px wide and previewed at ~400: these sizes (points at 100 dpi) stay
# legible there. Set on each text, not through rcParams, which are global to the process.
TEXT, TITLE, SMALL = 15, 16, 13
LEGEND_GAP = 0.62  # inches below the axes: room for the tick labels and the axis label
EDGE = 0.2  # a point this close to a side gets its tag on the inner side


def after_colour(trend: str | None) -> str:
    """Red when the loss rose (or blew up), green when it fell, grey otherwise."""
    return RED if trend == UP else GREEN if trend == DOWN else GREY


def axes_figure(width: float, heights: tuple[float, ...] = (2.5,)) -> Figure:
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


def label_axes(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel, fontsize=TEXT)
    ax.set_ylabel(ylabel, fontsize=TEXT)
    ax.tick_params(labelsize=SMALL)


def heading(figure: Figure, title: str, status: tuple[str, str] | None) -> None:
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


def loss_status(
    trend: str | None, before: float | None, after: float | None
) -> tuple[str, str] | None:
    if before is None or after is None:
        return None
    if not math.isfinite(after):
        return f"the loss blew up: {number(before)} → {number(after)}", RED
    if trend == UP:
        return f"the loss went up: {number(before)} → {number(after)}", RED
    if trend == DOWN:
        return f"the loss went down: {number(before)} → {number(after)}", GREEN
    return f"the loss did not change: {number(after)}", GREY


def legend_below(ax: Axes, under: Axes | None = None, columns: int = 2) -> None:
    """`ax`'s legend below `under` (default: `ax`), outside the data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        (under or ax).legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, -LEGEND_GAP / height_inches(under or ax)),
            ncol=columns,
            frameon=False,
            fontsize=SMALL,
            handlelength=1.5,
            columnspacing=1.2,
        )


def height_inches(ax: Axes) -> float:
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return float(ax.get_position().height * figure.get_figheight())


def tag_side(fraction: float, prefer_right: bool) -> bool:
    """Whether a point's tag goes to its right: as preferred, but never off the edge of the
    axes (`fraction`: where the point is, 0 at the left, 1 at the right)."""
    if fraction < EDGE:
        return True
    if fraction > 1 - EDGE:
        return False
    return prefer_right


def number(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def rescale(ax: Axes) -> None:
    ax.relim()
    ax.autoscale_view()


def ring(ax: Axes, x: float, y: float, label: str) -> None:
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


def dot(ax: Axes, x: float, y: float, colour: str, label: str) -> None:
    """The learner's "after" point, inside a ring at the same spot when nothing moved."""
    ax.plot([x], [y], "o", markersize=9, color=colour, zorder=5, label=label)


def tag(
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
