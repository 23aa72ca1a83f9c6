"""Which picture a verdict gets: the learner's reported numbers (their losses, their `w`,
their recorded `losses` curve) drawn against the reference computed from the lesson's data
for the verdict's seed.

The reference curves depend only on the lesson and the data seed, never on the learner's
code, so they are cached per (lesson, seed).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from bot.plots.specs import LossBeforeAfter, LossLandscape, LossPerStep, PlotSpec
from lessons import Lesson, Verdict, VerdictStatus

LANDSCAPE_LESSON = "how-models-learn"
STEPS_LESSON = "training-loop"
NETWORK_LESSON = "train-a-network"  # its recorded `losses`, without a reference run
TRAIN_STEPS = 50  # the training-loop task's `train(w, lr, 50)`
BIG_LR_STEPS = 20  # enough for a diverging run to show, not so many that it overflows
GRID_POINTS = 121
# The learner's `w` after the step may be wild; the picture keeps the valley readable.
MAX_SPAN_FACTOR = 6.0
_GRADED = frozenset({VerdictStatus.PASSED, VerdictStatus.FAILED})


def plot_for(lesson: Lesson, verdict: Verdict) -> PlotSpec | None:
    """The picture for a graded verdict of a training lesson; None for anything else (lessons
    that do not train, runs that did not finish, answers not attempted)."""
    if not lesson.trains or verdict.status not in _GRADED or verdict.seed is None:
        return None
    metrics = verdict.metrics
    if lesson.id == LANDSCAPE_LESSON:
        return _landscape(lesson, verdict.seed, metrics)
    learner = verdict.curves.get("losses", ())
    if lesson.id == STEPS_LESSON:
        return _steps(lesson, verdict.seed, metrics, learner)
    before, after = _finite(metrics.get("loss_before")), _number(metrics.get("loss_after"))
    if lesson.id == NETWORK_LESSON and learner:
        return LossPerStep(
            title=f"Lesson {lesson.number}: your loss, step by step",
            lr=float(lesson.data(verdict.seed).get("lr", 0.0)),
            reference=(),
            learner=learner,
            loss_before=before,
            loss_after=after,
        )
    if before is None or after is None:
        return None
    return LossBeforeAfter(f"Lesson {lesson.number}: {lesson.title}", before, after)


def _landscape(lesson: Lesson, seed: int, metrics: dict[str, float]) -> LossLandscape:
    w_after = _finite(metrics.get("w"))
    grid, loss, w_best, w_before = _landscape_curve(lesson, seed)
    off_chart = False
    if w_after is not None and not grid[0] <= w_after <= grid[-1]:
        half = (grid[-1] - grid[0]) / 2
        if abs(w_after - w_best) <= half * MAX_SPAN_FACTOR:
            # A long step: widen the picture for this learner (not cached, it is theirs).
            grid, loss = _loss_over_w(lesson, seed, w_best, 1.1 * abs(w_after - w_best))
        else:
            off_chart = True  # a wild step: noted in the picture, not drawn
    return LossLandscape(
        title=f"Lesson {lesson.number}: the loss over w",
        w_grid=grid,
        loss=loss,
        w_best=w_best,
        w_before=w_before,
        w_after=None if off_chart else w_after,
        w_expected=_one_step(lesson, seed),
        reported_before=_finite(metrics.get("loss_before")),
        reported_after=_number(metrics.get("loss_after")),
        off_chart=off_chart,
    )


@functools.lru_cache(maxsize=256)
def _one_step(lesson: Lesson, seed: int) -> float:
    """Where one correct gradient-descent step from the lesson's starting `w` lands."""
    x, y, w, lr = _xy(lesson, seed)
    return w - lr * float(np.mean(2 * (w * x - y) * x))


@functools.lru_cache(maxsize=256)
def _landscape_curve(
    lesson: Lesson, seed: int
) -> tuple[tuple[float, ...], tuple[float, ...], float, float]:
    """The valley for this data, the same for every learner: (grid, loss, w_best, w_before)."""
    x, y, w_before, _ = _xy(lesson, seed)
    w_best = float(np.sum(x * y) / np.sum(x * x))  # the bottom of the valley
    grid, loss = _loss_over_w(lesson, seed, w_best, 1.25 * max(abs(w_before - w_best), 0.5))
    return grid, loss, w_best, w_before


def _loss_over_w(
    lesson: Lesson, seed: int, centre: float, span: float
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    x, y, _, _ = _xy(lesson, seed)
    grid = np.linspace(centre - span, centre + span, GRID_POINTS)
    # Mean squared error for every w at once: rows are w, columns are samples.
    loss = np.mean((y[None, :] - grid[:, None] * x[None, :]) ** 2, axis=1)
    return tuple(grid.tolist()), tuple(loss.tolist())


def _xy(lesson: Lesson, seed: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    data = lesson.data(seed)
    x, y = np.asarray(data["x"], float), np.asarray(data["y"], float)
    return x, y, float(data["w"]), float(data["lr"])


def _steps(
    lesson: Lesson, seed: int, metrics: dict[str, float], learner: tuple[float, ...]
) -> LossPerStep:
    lr, losses = _descent(lesson, seed, None)
    big_lr = _finite(metrics.get("lr_too_big"))
    big_losses: tuple[float, ...] = ()
    if big_lr is not None and big_lr > 0:
        big_losses = _descent(lesson, seed, big_lr)[1]
    return LossPerStep(
        title=f"Lesson {lesson.number}: the loss, step by step",
        lr=lr,
        reference=losses,
        learner=learner,
        loss_before=_finite(metrics.get("loss_before")),
        loss_after=_number(metrics.get("loss_after")),
        big_lr=big_lr if big_losses else None,
        big_losses=big_losses,
    )


@functools.lru_cache(maxsize=256)
def _descent(lesson: Lesson, seed: int, lr: float | None) -> tuple[float, tuple[float, ...]]:
    """Trusted gradient descent on the lesson's data: the loss before each step and after
    the last. With `lr` None, the lesson's own learning rate and step count."""
    x, y, w, lesson_lr = _xy(lesson, seed)
    rate, steps = (lesson_lr, TRAIN_STEPS) if lr is None else (lr, BIG_LR_STEPS)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps + 1):
            loss = float(np.mean((y - w * x) ** 2))
            if not math.isfinite(loss):
                break  # a diverging run: stop where the numbers give out
            losses.append(loss)
            w -= rate * float(np.mean(2 * (w * x - y) * x))
    return rate, tuple(losses)


def _number(value: float | None) -> float | None:
    """A number, NaN and infinities included (a loss that blew up is worth drawing)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _finite(value: float | None) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None
