"""Lesson 5 checks: gradient descent in a loop, the loss curve, and a diverging learning rate."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.expect import (
    Mistake,
    compare,
    expect_function,
    expect_loss_went_down,
    expect_value,
    fmt,
    is_number,
    item,
    probe_problem,
)
from lessons.generating import first_valid, shape_problems

METRICS = ("loss_before", "loss_after", "w_trained", "lr_too_big")
PROBE_STEPS = 5  # a short run is enough to compare every recorded loss
TRAIN_STEPS = 50  # what the task asks for
DIVERGE_STEPS = 20


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(10, 17))
    x = np.round(rng.uniform(-2, 2, n), 2)
    true_w = float(rng.uniform(1.5, 3.5) * rng.choice([-1, 1]))
    y = np.round(true_w * x + rng.normal(0, 0.3, n), 2)
    # Small steps: 50 of them lower the loss a lot yet leave it visibly moving, so mixing
    # up the loss before and after the last step is still caught.
    return {
        "x": x,
        "y": y,
        "w": round(float(rng.uniform(-1, 1)), 2),
        "lr": float(rng.choice([0.01, 0.015, 0.02])),
    }


LAST_STEP_MOVES = 1e-4  # relative change of the loss in the last step: 100x the checks' rtol


def check_data(data: Mapping[str, Any]) -> list[str]:
    """Training converges, and its last step still changes the loss visibly."""
    problems = shape_problems(data, {"x": (None,), "y": (None,), "w": (), "lr": ()})
    if problems:
        return problems
    x, y, w, lr = data["x"], data["y"], float(data["w"]), float(data["lr"])
    if not 10 <= len(x) <= 16 or len(y) != len(x):
        return [f"x and y must have 10 to 16 values, not {len(x)} and {len(y)}"]
    # The loss is a parabola in w: mean(x**2) * (w - best)**2 + floor, and each step
    # shrinks w - best by the factor `ratio`. Closed form, so this stays fast.
    xx, xy = float(np.mean(x**2)), float(np.mean(x * y))
    best, floor = xy / xx, float(np.mean(y**2)) - xy**2 / xx
    ratio = 1 - 2 * lr * xx
    if not -1 < ratio < 1:
        return ["the learning rate makes training diverge"]
    before_last = xx * ((w - best) * ratio ** (TRAIN_STEPS - 1)) ** 2
    after_last = before_last * ratio**2
    if before_last - after_last <= LAST_STEP_MOVES * (after_last + floor):
        problems.append("the last training step hardly changes the loss")
    return problems


def _fallback() -> dict[str, Any]:
    x = np.array([-1.8, -1.4, -1.1, -0.6, -0.2, 0.3, 0.8, 1.2, 1.5, 1.9])
    return {"x": x, "y": np.round(-2.0 * x + 0.1, 2), "w": 0.5, "lr": 0.01}


def _train_call(data: Mapping[str, Any]) -> str:
    return f"train({data['w']!r}, {data['lr']!r}, {PROBE_STEPS})"


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    return {
        "train": "train",
        "train_run": _train_call(data),
        "w_trained": "w_trained",
        "loss_before": "loss_before",
        "loss_after": "loss_after",
        "lr_too_big": "lr_too_big",
        "diverging": f"train({data['w']!r}, lr_too_big, {DIVERGE_STEPS})[1]",
    }


def simulate(data: Mapping[str, Any], lr: float, steps: int) -> tuple[float, list[float]]:
    """Trusted gradient descent, for the diagnoses: final w and the loss before each step."""
    x, y, w = data["x"], data["y"], float(data["w"])
    losses = []
    for _ in range(steps):
        losses.append(float(np.mean((y - w * x) ** 2)))
        w -= lr * float(np.mean(2 * (w * x - y) * x))
    return w, losses


def _train_returns(ctx: Context) -> str | None:
    got, label = ctx.got["train_run"], _train_call(ctx.data)
    if (problem := probe_problem(got, label)) is not None:
        return problem
    if got.kind == "none":
        return f"`{label}` returned None. End `train` with `return w, losses`."
    pair = got.kind in ("tuple", "list") and len(got.value) == 2
    if pair and isinstance(got.value[1], list):
        return None
    if got.kind in ("list", "ndarray") and len(got.value) == PROBE_STEPS:
        return f"`{label}` returned only the losses. Return both: `return w, losses`."
    if is_number(got):
        return f"`{label}` returned one number. Return both: `return w, losses`."
    return (
        f"`{label}` returned {fmt(got.value)}. It should return two things, the final "
        "weight and the list of losses: `return w, losses`."
    )


def _train_losses(ctx: Context) -> str | None:
    lr = ctx.data["lr"]
    _, before = simulate(ctx.data, lr, PROBE_STEPS + 1)
    _, uphill = simulate(ctx.data, -lr, PROBE_STEPS)
    mistakes = [
        Mistake(
            before[1:],
            "those are the losses *after* each step. Record the loss before the step, so "
            "the first entry is the starting loss.",
        ),
        Mistake(
            before[:1] * PROBE_STEPS,
            "the loss never changes: update `w` inside the loop (`w = w - lr * grad`).",
        ),
        Mistake(uphill, "the loss grows at every step: step downhill, `w - lr * grad`."),
    ]
    label = f"{_train_call(ctx.data)}[1]"
    want = item(ctx.want["train_run"], 1)
    return compare(item(ctx.got["train_run"], 1), want, label, mistakes)


def _train_w(ctx: Context) -> str | None:
    w = float(ctx.data["w"])
    mistakes = [
        Mistake(w, "that is the starting weight: `train` must return the updated `w`."),
        Mistake(simulate(ctx.data, -ctx.data["lr"], PROBE_STEPS)[0], "those steps go uphill."),
        Mistake(
            simulate(ctx.data, ctx.data["lr"], PROBE_STEPS - 1)[0],
            "that is one step short: take exactly `steps` steps.",
        ),
    ]
    label = f"{_train_call(ctx.data)}[0]"
    return compare(item(ctx.got["train_run"], 0), item(ctx.want["train_run"], 0), label, mistakes)


def _loss_before(ctx: Context) -> str | None:
    _, losses = simulate(ctx.data, ctx.data["lr"], TRAIN_STEPS)
    mistakes = [Mistake(losses[-1], "that is the last recorded loss; you want the first.")]
    return expect_value(ctx, "loss_before", mistakes=mistakes)


def _loss_after(ctx: Context) -> str | None:
    _, losses = simulate(ctx.data, ctx.data["lr"], TRAIN_STEPS)
    mistakes = [
        Mistake(
            losses[-1],
            "`losses[-1]` is the loss *before* the last step. Compute the loss of "
            "`w_trained` itself.",
        )
    ]
    return expect_value(ctx, "loss_after", mistakes=mistakes)


def _lr_too_big(ctx: Context) -> str | None:
    lr = ctx.got["lr_too_big"]
    if (problem := probe_problem(lr, "lr_too_big")) is not None:
        return problem
    if not is_number(lr) or float(lr.value) <= 0:
        return f"`lr_too_big` is {fmt(lr.value)}: a learning rate is a positive number."
    losses = ctx.got["diverging"]
    if (problem := probe_problem(losses, f"train(w, lr_too_big, {DIVERGE_STEPS})")) is not None:
        return problem
    values = [float(v) for v in losses.value]
    first, last = values[0], values[-1]
    if not math.isfinite(last) or last > first:
        return None
    tipping = 1 / float(np.mean(ctx.data["x"] ** 2))
    return (
        f"With `lr_too_big = {fmt(lr.value)}` the loss still falls over {DIVERGE_STEPS} steps "
        f"(from {fmt(first)} to {fmt(last)}). Steps start to overshoot above "
        f"`1 / np.mean(x ** 2)`, about {fmt(tipping)} here: go well past that."
    )


CHECKS = (
    Check(
        "train-defined",
        "`train` is defined as a function",
        lambda c: expect_function(c, "train", "train(w, lr, steps)"),
    ),
    Check(
        "train-returns",
        "`train` returns the weight and the list of losses",
        _train_returns,
        needs=("train-defined",),
    ),
    Check(
        "train-losses",
        "`train` records the loss before every step",
        _train_losses,
        needs=("train-returns",),
    ),
    Check(
        "train-weight",
        "`train` returns the weight after all the steps",
        _train_w,
        needs=("train-returns",),
    ),
    Check(
        "w-trained",
        "`w_trained` is the weight after 50 steps",
        lambda c: expect_value(c, "w_trained"),
        needs=("train-weight",),
    ),
    Check(
        "loss-before",
        "`loss_before` is the starting loss",
        _loss_before,
        needs=("train-losses",),
    ),
    Check(
        "loss-after",
        "`loss_after` is the loss of `w_trained`",
        _loss_after,
        needs=("w-trained",),
    ),
    Check(
        "loss-went-down",
        "the loss went down",
        lambda c: expect_loss_went_down(c, "Check the direction of your steps."),
        needs=("train-returns",),
    ),
    Check(
        "lr-too-big",
        "`lr_too_big` makes the loss grow",
        _lr_too_big,
        needs=("train-losses",),
    ),
)
