"""Lesson 5 checks: gradient descent in a loop, the loss curve, and a diverging learning rate."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.diagnoses import mse_mistakes
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
    same,
    typed_in,
)
from lessons.generating import first_valid, shape_problems

METRICS = ("loss_before", "loss_after", "w_trained", "lr_too_big")
CURVES = ("losses",)  # the learner's recorded losses, for the picture
PROBE_STEPS = 5  # a short run is enough to compare every recorded loss
TRAIN_STEPS = 50  # what the task asks for
DIVERGE_STEPS = 20
EXAMPLE = ([1, 2, 3], [1, 2, 5])


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
    a, b = _seeded_pair(data)
    return {
        "mse": "mse",
        "mse_example": f"mse({EXAMPLE[0]}, {EXAMPLE[1]})",
        "mse_seeded": f"mse({a}, {b})",
        "train": "train",
        "train_run": _train_call(data),
        "w_trained": "w_trained",
        "loss_before": "loss_before",
        "loss_after": "loss_after",
        "lr_too_big": "lr_too_big",
        "diverging": f"train({data['w']!r}, lr_too_big, {DIVERGE_STEPS})[1]",
    }


def _seeded_pair(data: Mapping[str, Any]) -> tuple[list[float], list[float]]:
    """A seed-dependent `mse` input, so a hard-coded answer cannot pass."""
    return (
        [round(float(v), 1) for v in data["y"][:4]],
        [round(float(v), 1) for v in data["x"][:4]],
    )


def simulate(
    data: Mapping[str, Any], lr: float, steps: int, *, gradient: str = "current"
) -> tuple[float, list[float]]:
    """Trusted gradient descent, for the diagnoses: final w and the loss before each step.

    `gradient` replays a slip: "first" keeps the gradient of the starting `w` (computed
    before the loop, or from predictions made once outside it), "previous" uses the one
    from the step before.
    """
    x, y, w = data["x"], data["y"], float(data["w"])
    losses = []
    first = previous = float(np.mean(2 * (w * x - y) * x))
    for _ in range(steps):
        losses.append(float(np.mean((y - w * x) ** 2)))
        current = float(np.mean(2 * (w * x - y) * x))
        grad = {"current": current, "first": first, "previous": previous}[gradient]
        previous = current
        w -= lr * grad
    return w, losses


def learning_rate_used(data: Mapping[str, Any], w_final: Any, steps: int) -> float | None:
    """The learning rate that takes `w` to `w_final` in `steps` right steps, if one does.

    For `y = w * x` each step shrinks the distance to the best weight by the same factor,
    `1 - 2 * lr * np.mean(x ** 2)`, so the distance covered tells the rate used.
    """
    if isinstance(w_final, bool) or not isinstance(w_final, int | float):
        return None
    if not np.isfinite(w_final):
        return None
    x, y, w0 = data["x"], data["y"], float(data["w"])
    m = float(np.mean(x**2))
    best = float(np.mean(x * y)) / m
    ratio = (w_final - best) / (w0 - best)
    root = abs(ratio) ** (1 / steps)
    factors = [np.sign(ratio) * root] if steps % 2 else ([root, -root] if ratio >= 0 else [])
    for factor in factors:
        lr = float((1 - factor) / (2 * m))
        if lr > 0 and np.isclose(simulate(data, lr, steps)[0], w_final, rtol=1e-6, atol=1e-9):
            return lr
    return None


def learning_rate_diagnosis(ctx: Context, w_final: Any, steps: int, where: str) -> str | None:
    """Why `where` stepped with the wrong learning rate, named from the rate it used."""
    lr, n = float(ctx.data["lr"]), len(ctx.data["x"])
    used = learning_rate_used(ctx.data, w_final, steps)
    if used is None or np.isclose(used, lr, rtol=1e-6):
        return None
    big = ctx.got.get("lr_too_big")
    if big is not None and big.ok and is_number(big) and np.isclose(used, float(big.value)):
        return (
            f"{where} was trained with `lr_too_big` ({fmt(used)}), and that makes the loss "
            "diverge: every step overshoots the bottom further. Train with the predefined "
            f"`lr` ({fmt(lr)}); `lr_too_big` is only for the last step of the task."
        )
    ratio = used / lr
    if np.isclose(ratio, 0.5, rtol=1e-6):
        return (
            f"{where} took steps half as big as it should: the factor 2 of the gradient "
            "is missing (that is the same as training with `lr / 2`). The gradient is "
            "`np.mean(2 * (w * x - y) * x)`."
        )
    if np.isclose(ratio, 2, rtol=1e-6):
        return (
            f"{where} took steps twice as big as it should: a factor 2 too many in the "
            "gradient, or `2 * lr` in the step."
        )
    if np.isclose(ratio, n, rtol=1e-6) or np.isclose(ratio, 2 * n, rtol=1e-6):
        return (
            f"{where} took steps {round(ratio)} times too big: the gradient sums over the "
            f"{n} samples. Average them with `np.mean`."
        )
    return (
        f"{where} stepped as if the learning rate were {fmt(used)}, but it is {fmt(lr)}: "
        "step with the `lr` you were given (inside `train`, its parameter `lr`)."
    )


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
    data, n = ctx.data, len(ctx.data["x"])
    lr = data["lr"]
    _, before = simulate(data, lr, PROBE_STEPS + 1)
    got_w = item(ctx.got["train_run"], 0).value
    start = float(data["w"])
    if same(got_w, start):
        unchanged = "the loss never changes: update `w` inside the loop (`w = w - lr * grad`)."
    elif same(got_w, start - lr * _start_gradient(data)):
        unchanged = (
            "the loss never changes: `new_w = w - lr * grad` never replaces `w`, so every "
            "step starts from the same place. Assign it back: `w = w - lr * grad`."
        )
    else:
        unchanged = (
            "the loss never changes, yet `w` moved: the predictions were computed once, "
            "before the loop. Compute `w * x` inside the loop, from the current `w`, for "
            "both the loss and the gradient."
        )
    mistakes = [
        Mistake(
            before[1:],
            "those are the losses *after* each step. Record the loss before the step, so "
            "the first entry is the starting loss.",
        ),
        Mistake(before[:1] * PROBE_STEPS, unchanged),
        Mistake(
            simulate(data, -lr, PROBE_STEPS)[1],
            "the loss grows at every step: step downhill, `w - lr * grad`.",
        ),
        Mistake(
            simulate(data, lr, PROBE_STEPS, gradient="first")[1],
            "the gradient never changes: it was computed once, before the loop. Compute it "
            "inside the loop, from the current `w`.",
        ),
        Mistake(
            simulate(data, lr, PROBE_STEPS, gradient="previous")[1],
            "each step uses the gradient of the *previous* `w`. Compute the gradient from "
            "the current `w`, just before the step.",
        ),
        Mistake(
            [n * v for v in before[:PROBE_STEPS]],
            f"those are sums of the squared errors, {n} times the mean: record the loss "
            "with `mse`.",
        ),
    ]
    label = f"{_train_call(ctx.data)}[1]"
    got = item(ctx.got["train_run"], 1)
    failure = compare(got, item(ctx.want["train_run"], 1), label, mistakes)
    if failure is None or any(same(got.value, m.value) for m in mistakes):
        return failure
    used = learning_rate_used(data, got_w, PROBE_STEPS)
    if used is not None and same(got.value, simulate(data, used, PROBE_STEPS)[1]):
        why = learning_rate_diagnosis(ctx, got_w, PROBE_STEPS, "`train`")
        if why is not None:
            return f"{failure[:-1]}: {why}"
    return failure


def _start_gradient(data: Mapping[str, Any]) -> float:
    x, y, w = data["x"], data["y"], float(data["w"])
    return float(np.mean(2 * (w * x - y) * x))


def _train_w(ctx: Context) -> str | None:
    w = float(ctx.data["w"])
    mistakes = [
        Mistake(w, "that is the starting weight: `train` must return the updated `w`."),
        Mistake(simulate(ctx.data, -ctx.data["lr"], PROBE_STEPS)[0], "those steps go uphill."),
        Mistake(
            simulate(ctx.data, ctx.data["lr"], PROBE_STEPS - 1)[0],
            "that is one step short: take exactly `steps` steps.",
        ),
        Mistake(
            simulate(ctx.data, ctx.data["lr"], PROBE_STEPS, gradient="first")[0],
            "every step used the gradient of the starting `w`. Compute the gradient inside "
            "the loop, from the current `w` (and the predictions `w * x` with it).",
        ),
        Mistake(
            simulate(ctx.data, ctx.data["lr"], PROBE_STEPS, gradient="previous")[0],
            "each step used the gradient of the *previous* `w`. Compute the gradient from "
            "the current `w`, just before the step.",
        ),
    ]
    label = f"{_train_call(ctx.data)}[0]"
    got = item(ctx.got["train_run"], 0)
    failure = compare(got, item(ctx.want["train_run"], 0), label, mistakes)
    if failure is None or any(same(got.value, m.value) for m in mistakes):
        return failure
    # Any final weight fits some learning rate; believe it only if the losses fit it too.
    used = learning_rate_used(ctx.data, got.value, PROBE_STEPS)
    losses = item(ctx.got["train_run"], 1).value
    if used is None or not same(losses, simulate(ctx.data, used, PROBE_STEPS)[1]):
        return failure
    why = learning_rate_diagnosis(ctx, got.value, PROBE_STEPS, "`train`")
    return failure if why is None else f"{failure[:-1]}: {why}"


def _w_trained(ctx: Context) -> str | None:
    lr = ctx.data["lr"]
    mistakes = [
        Mistake(
            simulate(ctx.data, lr, steps)[0],
            f"that is the weight after {steps} steps: train for {TRAIN_STEPS}.",
        )
        for steps in (1, 5, 10, 20, TRAIN_STEPS - 1, TRAIN_STEPS + 1, 100, 200, 500, 1000)
    ]
    failure = expect_value(ctx, "w_trained", mistakes=mistakes)
    if failure is not None and any(same(ctx.got["w_trained"].value, m.value) for m in mistakes):
        return failure
    got = ctx.got["w_trained"]
    if failure is None or not got.ok or typed_in(ctx.code, "w_trained"):
        return failure
    why = learning_rate_diagnosis(ctx, got.value, TRAIN_STEPS, "`w_trained`")
    return failure if why is None else f"{failure[:-1]}: {why}"


def _mse_value(ctx: Context) -> str | None:
    a, b = _seeded_pair(ctx.data)
    for probe, args in (("mse_example", EXAMPLE), ("mse_seeded", (a, b))):
        label = f"mse({args[0]}, {args[1]})"
        if (failure := expect_value(ctx, probe, label, mse_mistakes(*args))) is not None:
            return failure
    return None


def _loss_went_down(ctx: Context) -> str | None:
    advice = "Check the direction of your steps: `w = w - lr * grad` goes downhill."
    got = ctx.got["w_trained"]
    if got.ok and is_number(got):
        why = learning_rate_diagnosis(ctx, got.value, TRAIN_STEPS, "`w_trained`")
        if why is not None and "lr_too_big" in why:
            return expect_loss_went_down(ctx, why, diverged=why)
    return expect_loss_went_down(ctx, advice)


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
        ),
        Mistake(
            losses[0],
            "that is the loss of the starting `w`. Compute `loss_after` from predictions "
            "made with `w_trained`.",
        ),
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
        f"(from {fmt(first)} to {fmt(last)}). The loss grows once `lr` is above "
        f"`1 / np.mean(x ** 2)`, about {fmt(tipping)} here (steps start to overshoot at half "
        "of that, but still close in): go well past it."
    )


CHECKS = (
    Check(
        "mse-defined",
        "`mse` is defined as a function",
        lambda c: expect_function(c, "mse", "mse(y_true, y_pred)"),
    ),
    Check(
        "mse-value",
        "`mse` returns the mean of the squared differences",
        _mse_value,
        needs=("mse-defined",),
    ),
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
        _w_trained,
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
        _loss_went_down,
        needs=("train-returns",),
    ),
    Check(
        "lr-too-big",
        "`lr_too_big` makes the loss grow",
        _lr_too_big,
        needs=("train-losses",),
    ),
)
