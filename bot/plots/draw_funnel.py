"""The course funnel: one stacked bar per lesson (passed, stuck, working on it), lesson
names above their bars, whole-learner ticks, and the legend above the chart."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.plots.specs import FunnelBars
from bot.plots.style import DPI, GREEN, LIGHT_BLUE, RED, SMALL, TITLE, label_axes


def funnel_template(spec: FunnelBars) -> Figure:
    height = 1.5 + 0.75 * len(spec.labels)
    figure = Figure(figsize=(6.4, height), dpi=DPI)
    ax = figure.add_subplot()
    # Lesson names sit above their bars, so the bars get the whole width; the title and
    # the legend sit above the axes, clear of lesson 7's bar.
    figure.subplots_adjust(left=0.04, right=0.96, top=1 - 1.0 / height, bottom=0.6 / height)
    label_axes(ax, "learners", "")
    ax.set_yticks([])
    ax.grid(True, axis="x", alpha=0.3)
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no half learners
    return figure


def draw_funnel(figure: Figure, spec: FunnelBars) -> None:
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
