"""The course funnel as a bar chart spec: one stacked bar per lesson."""

from __future__ import annotations

from bot.core import FunnelView
from bot.plots.specs import FunnelBars

MAX_LABEL = 28


def funnel_bars(view: FunnelView, title: str = "Course funnel") -> FunnelBars:
    return FunnelBars(
        title=f"{title}: {view.learners} learner{'s' * (view.learners != 1)}",
        labels=tuple(_label(f"{f.lesson.number}. {f.lesson.title}") for f in view.lessons),
        passed=tuple(f.passed for f in view.lessons),
        stuck=tuple(f.stuck for f in view.lessons),
        # Reached but neither passed nor stuck: opened it, no failed attempt yet.
        working=tuple(max(0, f.reached - f.passed - f.stuck) for f in view.lessons),
    )


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
