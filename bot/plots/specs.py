"""What a picture shows, as plain hashable data: built from a verdict or the funnel, then
rendered (and cached) by `bot.plots.render`. Nothing here imports matplotlib."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LossLandscape:
    """The loss over `w` for one data set, with the learner's step on it ("rolling downhill")."""

    title: str
    w_grid: tuple[float, ...]
    loss: tuple[float, ...]
    w_best: float
    w_before: float
    w_after: float | None  # None: the learner's `w` is missing or not a number
    off_chart: bool = False  # w_after exists but lies far outside the picture


@dataclass(frozen=True)
class LossPerStep:
    """Gradient descent with the lesson's learning rate, step by step, with the learner's
    reported losses marked; optionally the run with their too-big learning rate beside it."""

    title: str
    lr: float
    losses: tuple[float, ...]  # the loss before each step, then after the last
    loss_before: float | None
    loss_after: float | None
    big_lr: float | None = None
    big_losses: tuple[float, ...] = ()


@dataclass(frozen=True)
class LossBeforeAfter:
    """Any other training lesson: the two losses side by side."""

    title: str
    loss_before: float
    loss_after: float


@dataclass(frozen=True)
class FunnelBars:
    """The course funnel: per lesson, learners who reached, passed and are stuck on it."""

    title: str
    labels: tuple[str, ...]
    reached: tuple[int, ...]
    passed: tuple[int, ...]
    stuck: tuple[int, ...]


PlotSpec = LossLandscape | LossPerStep | LossBeforeAfter | FunnelBars
