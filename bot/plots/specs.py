"""What a picture shows, as plain hashable data: built from a verdict or the funnel, then
rendered (and cached) by `bot.plots.render`. Nothing here imports matplotlib.

The learner's own numbers are what a picture plots (what their code computed and
reported), with the trusted reference beside them, so a wrong value sits visibly off the
reference and the picture never contradicts the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

UP, DOWN, SAME = "up", "down", "same"


def trend(before: float | None, after: float | None) -> str | None:
    """Which way the learner's loss went: "up", "down", "same", or None when unknown. A loss
    that blew up (NaN or infinite after a finite start) went up."""
    if before is None or after is None or not math.isfinite(before):
        return None
    if not math.isfinite(after) or after > before:
        return UP
    return DOWN if after < before else SAME


@dataclass(frozen=True)
class LossLandscape:
    """The true loss over `w` for one data set, with the learner's one step on it: their
    `w` and the losses their code reported, and where one correct step lands."""

    title: str
    w_grid: tuple[float, ...]
    loss: tuple[float, ...]  # the true MSE at each w of the grid
    w_best: float
    w_before: float
    w_after: float | None  # None: the learner's `w` is missing or not a number
    w_expected: float  # where one correct step from w_before lands
    reported_before: float | None = None  # the learner's loss_before
    reported_after: float | None = None  # the learner's loss_after (NaN/inf: blew up)
    off_chart: bool = False  # w_after exists but lies far outside the picture

    @property
    def trend(self) -> str | None:
        return trend(self.reported_before, self.reported_after)


@dataclass(frozen=True)
class LossPerStep:
    """A training run step by step: the losses the learner's code recorded, the reference
    run beside them (when the lesson has one), and the learner's reported loss_before and
    loss_after; optionally the run with their too-big learning rate in a second panel."""

    title: str
    lr: float
    reference: tuple[float, ...]  # trusted: the loss before each step, then after the last
    learner: tuple[float, ...]  # the learner's recorded `losses`, NaN/inf as recorded
    loss_before: float | None
    loss_after: float | None  # NaN/inf kept: "blew up"
    big_lr: float | None = None
    big_losses: tuple[float, ...] = ()

    @property
    def trend(self) -> str | None:
        return trend(self.loss_before, self.loss_after)

    @property
    def blew_up_at(self) -> int | None:
        """The first step whose recorded loss is NaN or infinite, if any."""
        return next((i for i, v in enumerate(self.learner) if not math.isfinite(v)), None)


@dataclass(frozen=True)
class LossBeforeAfter:
    """Any other training lesson: the two losses the learner reported, side by side."""

    title: str
    loss_before: float
    loss_after: float  # NaN/inf kept: drawn as "blew up"

    @property
    def trend(self) -> str | None:
        return trend(self.loss_before, self.loss_after)


@dataclass(frozen=True)
class FunnelBars:
    """The course funnel: per lesson, one bar of the learners who reached it, split into
    passed, stuck (failed, not passed) and still working on it."""

    title: str
    labels: tuple[str, ...]
    passed: tuple[int, ...]
    stuck: tuple[int, ...]
    working: tuple[int, ...]

    @property
    def reached(self) -> tuple[int, ...]:
        return tuple(map(sum, zip(self.passed, self.stuck, self.working, strict=True)))


PlotSpec = LossLandscape | LossPerStep | LossBeforeAfter | FunnelBars
