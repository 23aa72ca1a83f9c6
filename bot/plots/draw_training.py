"""A training run step by step (the learner's recorded losses beside the reference run,
where it blew up), and the plain before/after bars of the other training lessons."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullFormatter, NullLocator

from bot.plots.specs import LossBeforeAfter, LossPerStep
from bot.plots.style import (
    BLUE,
    DPI,
    INK,
    LIGHT_BLUE,
    PURPLE,
    RED,
    TEXT,
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
)

LOG_SPAN = 1e3  # a learner's curve spanning more than this gets a log axis


def steps_template(spec: LossPerStep) -> Figure:
    figure = axes_figure(6.4, (2.5, 1.5) if spec.big_losses else (2.5,))
    label_axes(figure.axes[0], "step", "loss")
    if spec.big_losses:
        big = figure.axes[1]
        big.set_yscale("log")
        label_axes(big, "step", "loss (log scale)")
        # Every tick is a text to lay out on every render: a log axis's default minor ticks
        # (and their labels) were most of the drawing time.
        big.yaxis.set_major_locator(LogLocator(numticks=5))
        big.yaxis.set_minor_locator(NullLocator())
        big.yaxis.set_minor_formatter(NullFormatter())
    for axes in figure.axes:
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    return figure


def draw_steps(figure: Figure, spec: LossPerStep) -> None:
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
        ring(ax, 0, spec.loss_before, f"your loss_before: {number(spec.loss_before)}")
        tag(ax, 0, spec.loss_before, number(spec.loss_before), INK, right=True)
    colour = after_colour(spec.trend)
    if spec.loss_after is not None and math.isfinite(spec.loss_after) and last > 0:
        dot(ax, last, spec.loss_after, colour, f"your loss_after: {number(spec.loss_after)}")
        tag(ax, last, spec.loss_after, number(spec.loss_after), colour, right=False)
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
    rescale(ax)
    if len(spec.learner) > 1:  # every recorded step, also those after it blew up
        ax.set_xlim(-0.02 * last, max(last, len(spec.learner) - 1) * 1.02)
    if spec.big_losses:
        big = figure.axes[1]
        big.plot(np.arange(len(spec.big_losses)), spec.big_losses, color=RED, linewidth=2.5)
        big.set_title(f"your lr_too_big = {spec.big_lr:.3g}", fontsize=TEXT)
        rescale(big)
    heading(figure, spec.title, loss_status(spec.trend, spec.loss_before, spec.loss_after))
    legend_below(ax, figure.axes[-1])


def _log_if_wide(ax: Axes, values: list[float | None]) -> None:
    positive = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    wide = bool(positive) and max(positive) / min(positive) > LOG_SPAN
    ax.set_yscale("log" if wide else "linear")
    if wide:
        ax.yaxis.set_major_locator(LogLocator(numticks=5))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_minor_formatter(NullFormatter())


# Any other training lesson: loss before and after


def bars_template(spec: LossBeforeAfter) -> Figure:
    figure = Figure(figsize=(6.4, 4.6), dpi=DPI)
    ax = figure.add_subplot()
    figure.subplots_adjust(left=1.0 / 6.4, right=0.96, top=1 - 0.95 / 4.6, bottom=0.6 / 4.6)
    label_axes(ax, "", "loss")
    ax.grid(True, axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def draw_before_after(figure: Figure, spec: LossBeforeAfter) -> None:
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
        labels=[number(spec.loss_before), number(spec.loss_after)],
        padding=3,
        fontweight="bold",
    )
    ax.set_ylim(0, top * 1.12)
    heading(figure, spec.title, loss_status(spec.trend, spec.loss_before, spec.loss_after))
