"""The loss over `w` ("rolling downhill"): the true MSE curve for the run's data, the
losses the learner's code reported at their `w` before and after the step, and where one
correct step lands."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from bot.plots.specs import LossLandscape
from bot.plots.style import (
    BLUE,
    INK,
    RED,
    after_colour,
    axes_figure,
    dot,
    heading,
    label_axes,
    legend_below,
    loss_status,
    number,
    rescale,
    ring,
    tag,
    tag_side,
)

CURVE_TOLERANCE = 0.02  # relative: the curve is drawn from a grid, between points linear
STEP_TOLERANCE = 0.005  # of the picture's width: a w this close to one correct step is it


def landscape_template(spec: LossLandscape) -> Figure:
    figure = axes_figure(6.4)
    label_axes(figure.axes[0], "w", "loss")
    return figure


def draw_landscape(figure: Figure, spec: LossLandscape) -> None:
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
    ring(ax, spec.w_before, before, f"your loss_before: {number(before)}")
    if spec.reported_before is not None:
        # Away from where the after point went; when w did not move, to the roomier side.
        prefer = not after_right if after_right is not None else spec.w_before < sum(span) / 2
        tag(
            ax,
            spec.w_before,
            before,
            number(before),
            INK,
            right=tag_side(_fraction(spec.w_before, span), prefer),
        )
    colour = after_colour(spec.trend)
    after = spec.reported_after
    if spec.w_after is not None and after is not None and math.isfinite(after):
        dot(ax, spec.w_after, after, colour, f"your loss_after: {number(after)}")
        prefer = after_right if after_right is not None else spec.w_after < sum(span) / 2
        right = tag_side(_fraction(spec.w_after, span), prefer)
        # Below the point only when it sits on the before point, whose tag is above.
        tag(ax, spec.w_after, after, number(after), colour, right=right, below=after_right is None)
        if (spec.w_after, after) != (spec.w_before, before):
            ax.annotate(
                "",
                xy=(spec.w_after, after),
                xytext=(spec.w_before, before),
                arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 2},
            )
    elif spec.w_after is not None:  # no usable loss_after: show where w went, on the curve
        on_curve = float(np.interp(spec.w_after, grid, loss))
        dot(ax, spec.w_after, on_curve, colour, f"your w after: {spec.w_after:.3g}")
    heading(figure, spec.title, _landscape_status(spec))
    rescale(ax)
    legend_below(ax)


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
            return f"your {name} {number(reported)} is not the MSE ({number(true)})"
    return None


def _fraction(x: float, span: tuple[float, float]) -> float:
    return (x - span[0]) / (span[1] - span[0]) if span[1] > span[0] else 0.5


def _landscape_status(spec: LossLandscape) -> tuple[str, str] | None:
    if spec.off_chart:
        return "your w after the step is far outside this picture", RED
    if spec.w_after is None:
        return "no number in w after your code ran", RED
    said = loss_status(spec.trend, spec.reported_before, spec.reported_after)
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
