"""Lesson 7 checks: the whole training loop of the two-layer network, fitting a wave."""

from __future__ import annotations

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
    item,
    probe_problem,
    same,
)
from lessons.generating import first_valid, shape_problems

METRICS = ("loss_before", "loss_after")
CURVES = ("losses",)  # the learner's recorded losses, for the picture
PARAMS = ("W1", "b1", "W2", "b2")
PROBE_STEPS = 5  # enough to compare every recorded loss and see a mistake's pattern
TRAIN_STEPS = 300  # what the task asks for
# 300 steps of arithmetic in a different order drift by far less than this.
TRAINED_RTOL, TRAINED_ATOL = 1e-5, 1e-8


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(24, 33))
    X = np.round(rng.uniform(-2, 2, (n, 1)), 2)
    return {
        "X": X,
        "y": np.round(np.sin(1.5 * X[:, 0]) + rng.normal(0, 0.05, n), 2),
        "W1": np.round(rng.normal(0, 1, (1, 8)), 2),
        "b1": np.round(rng.normal(0, 0.5, 8), 2),
        "W2": np.round(rng.normal(0, 0.3, 8), 2),
        "b2": 0.0,
        "lr": 0.05,
    }


def check_data(data: Mapping[str, Any]) -> list[str]:
    """A wave to fit with the starting network the task describes."""
    shapes = {"X": (None, 1), "y": (None,), "W1": (1, 8), "b1": (8,), "W2": (8,), "b2": ()}
    problems = shape_problems(data, {**shapes, "lr": ()})
    if not problems and (not 24 <= len(data["X"]) <= 32 or len(data["y"]) != len(data["X"])):
        problems.append(f"X and y must have 24 to 32 rows, not {len(data['X'])}, {len(data['y'])}")
    return problems


def _fallback() -> dict[str, Any]:
    X = np.round(np.linspace(-2, 2, 24), 2).reshape(-1, 1)
    return {
        "X": X,
        "y": np.round(np.sin(1.5 * X[:, 0]), 2),
        "W1": np.round(np.linspace(-1.5, 1.5, 8), 2).reshape(1, 8),
        "b1": np.round(np.linspace(0.6, -0.6, 8), 2),
        "W2": np.array([0.3, -0.2, 0.25, -0.15, 0.2, -0.3, 0.1, -0.25]),
        "b2": 0.0,
        "lr": 0.05,
    }


def _train_call(data: Mapping[str, Any], steps: int = PROBE_STEPS) -> str:
    """A call from the starting weights, written out: by then the learner has replaced them."""
    arrays = ", ".join(f"np.array({data[name].tolist()})" for name in ("W1", "b1", "W2"))
    return f"train({arrays}, {data['b2']!r}, {data['lr']!r}, {steps})"


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    found = {"train": "train", "train_run": _train_call(data)}
    for name in (*PARAMS, "loss_before", "loss_after"):
        found[name] = name
    return found


def simulate(
    data: Mapping[str, Any],
    steps: int,
    *,
    lr: float | None = None,
    mask: str = "relu",
    update_as_you_go: bool = False,
    slip: str | None = None,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Trusted training with optional beginner mistakes: final weights, loss before each step.

    `mask` is what multiplies `d_hidden`: "relu" (right), "none", "sigmoid" (the sigmoid's
    derivative) or "hidden" (the activation values). `slip` replays one more mistake:
    "db1_all" (no axis), "db2_mean", "dW2_from_z1", or "frozen" (the forward pass once,
    before the loop, so every step reuses the first gradients).
    """
    X, y = data["X"], data["y"]
    p = {name: np.array(data[name], dtype=float) for name in PARAMS}
    lr = data["lr"] if lr is None else lr
    losses = []
    first: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    for _ in range(steps):
        z1 = X @ p["W1"] + p["b1"]
        hidden = np.maximum(0, z1)
        error = hidden @ p["W2"] + p["b2"] - y
        if slip == "frozen":  # the forward pass of the starting weights, every time
            first = first or (z1, hidden, error)
            z1, hidden, error = first
        losses.append(float(np.mean(error**2)))
        d_pred = 2 * error / len(y)
        W2 = p["W2"] - lr * (hidden.T @ d_pred) if update_as_you_go else p["W2"]
        slope = 1 / (1 + np.exp(-np.clip(z1, -50, 50)))
        factor = {"relu": z1 > 0, "none": 1, "sigmoid": slope * (1 - slope), "hidden": hidden}
        d_z1 = np.outer(d_pred, W2) * factor[mask]
        grads = {
            "W1": X.T @ d_z1,
            "b1": np.sum(d_z1) if slip == "db1_all" else np.sum(d_z1, axis=0),
            "W2": (z1 if slip == "dW2_from_z1" else hidden).T @ d_pred,
            "b2": np.mean(d_pred) if slip == "db2_mean" else np.sum(d_pred),
        }
        for name in PARAMS:
            p[name] = p[name] - lr * grads[name]
    return p, losses


def _train_returns(ctx: Context) -> str | None:
    got, label = ctx.got["train_run"], "train(W1, b1, W2, b2, lr, steps)"
    if (problem := probe_problem(got, label)) is not None:
        return problem
    if got.kind == "none":
        return f"`{label}` returned None. End it with `return W1, b1, W2, b2, losses`."
    values = got.value if got.kind in ("tuple", "list") else None
    if values is not None and len(values) == 5 and isinstance(values[4], list):
        return None
    if values is not None and len(values) == PROBE_STEPS and not isinstance(values[0], list):
        return f"`{label}` returned only the losses. Return `W1, b1, W2, b2, losses`."
    return (
        f"`{label}` returned {fmt(got.value)}. It should return five things: "
        "`return W1, b1, W2, b2, losses`."
    )


def _train_losses(ctx: Context) -> str | None:
    data, n = ctx.data, len(ctx.data["y"])
    _, right = simulate(data, PROBE_STEPS + 1)
    mistakes = [
        Mistake(
            right[1:],
            "those are the losses *after* each step. Record the loss before the step, so "
            "the first entry is the starting loss.",
        ),
        Mistake(right[:1] * PROBE_STEPS, _unchanged(ctx)),
        Mistake(
            simulate(data, PROBE_STEPS, lr=-data["lr"])[1],
            "the loss grows: step downhill, `W1 - lr * dW1`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, mask="none")[1],
            "the ReLU is missing from the backward pass: `d_z1 = d_hidden * (z1 > 0)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, mask="sigmoid")[1],
            "the ReLU mask is the sigmoid's derivative, but this network uses ReLU. Its slope "
            "is 1 where `z1 > 0` and 0 elsewhere: `d_z1 = d_hidden * (z1 > 0)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, mask="hidden")[1],
            "the backward pass multiplies by the activation values themselves. ReLU's slope "
            "is 1 where `z1 > 0` and 0 elsewhere: `d_z1 = d_hidden * (z1 > 0)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, slip="db1_all")[1],
            "`db1` sums over everything, so every hidden bias moves by the same amount. Sum "
            "over the samples only: `np.sum(d_z1, axis=0)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, slip="db2_mean")[1],
            "`db2` is a mean, `len(y)` times too small: `b2` is added to every prediction, so "
            "its slope is the sum, `np.sum(d_predictions)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, slip="dW2_from_z1")[1],
            "`dW2` was built from `z1`, before the ReLU. `W2` multiplies the ReLU's output: "
            "`dW2 = hidden.T @ d_predictions`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, lr=data["lr"] / 2)[1],
            "the steps are half as big as they should be: the factor 2 of `d_predictions` is "
            "missing (the same as training with `lr / 2`).",
        ),
        Mistake(
            [v * n for v in right[:PROBE_STEPS]],
            f"those are sums of the squared errors, {n} times the mean: record "
            "`np.mean((predictions - y) ** 2)`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, update_as_you_go=True)[1],
            "`W2` moved before `d_hidden` was computed. Compute every gradient first, "
            "then step all the weights.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, lr=data["lr"] * n)[1],
            "the gradients are `len(y)` times too big: the loss is a mean, so divide "
            "`2 * (predictions - y)` by `len(y)`.",
        ),
    ]
    label = f"train(W1, b1, W2, b2, lr, {PROBE_STEPS})[4]"
    return compare(item(ctx.got["train_run"], 4), item(ctx.want["train_run"], 4), label, mistakes)


def _unchanged(ctx: Context) -> str:
    """Why the recorded loss never moves, told from the weights `train` returned."""
    got_W1 = item(ctx.got["train_run"], 0).value
    if same(got_W1, simulate(ctx.data, 1)[0]["W1"]):
        return (
            "the loss never changes: `new_W1 = W1 - lr * dW1` never replaces `W1`, so every "
            "step starts from the same place. Assign the new weights back: "
            "`W1 = W1 - lr * dW1`, and so on."
        )
    if same(got_W1, simulate(ctx.data, PROBE_STEPS, slip="frozen")[0]["W1"]):
        return (
            "the loss never changes, yet the weights moved: the forward pass ran once, "
            "before the loop. Compute `z1`, `hidden` and `predictions` inside the loop, "
            "from the current weights."
        )
    return (
        "the loss never changes: assign the new weights back inside the loop "
        "(`W1 = W1 - lr * dW1`, and so on)."
    )


def _train_weights(ctx: Context) -> str | None:
    for index, name in enumerate(PARAMS):
        start = np.array(ctx.data[name], dtype=float)
        mistakes = [Mistake(start, f"that is the starting `{name}`: return the trained one.")]
        label = f"train(W1, b1, W2, b2, lr, {PROBE_STEPS})[{index}]"
        got, want = item(ctx.got["train_run"], index), item(ctx.want["train_run"], index)
        if (failure := compare(got, want, label, mistakes)) is not None:
            return failure
    return None


def _trained(ctx: Context) -> str | None:
    for name in PARAMS:
        start = np.array(ctx.data[name], dtype=float)
        mistakes = [Mistake(start, f"`{name}` is still the starting value: train it.")]
        mistakes += [
            Mistake(
                simulate(ctx.data, steps)[0][name],
                f"that is `{name}` after {steps} steps: train for {TRAIN_STEPS}.",
            )
            for steps in (1, 5, 100, TRAIN_STEPS - 1, TRAIN_STEPS + 1)
        ]
        failure = expect_value(ctx, name, mistakes=mistakes, rtol=TRAINED_RTOL, atol=TRAINED_ATOL)
        if failure is not None:
            return failure
    return None


def _loss_after(ctx: Context) -> str | None:
    _, losses = simulate(ctx.data, TRAIN_STEPS)
    mistakes = [
        Mistake(
            losses[-1],
            "`losses[-1]` is the loss *before* the last step. Compute the loss of the "
            "trained weights.",
        ),
        Mistake(
            losses[0],
            "that is the loss of the starting weights. Run the forward pass again with the "
            "trained ones.",
        ),
    ]
    return expect_value(ctx, "loss_after", mistakes=mistakes, rtol=TRAINED_RTOL, atol=TRAINED_ATOL)


CHECKS = (
    Check(
        "train-defined",
        "`train` is defined as a function",
        lambda c: expect_function(c, "train", "train(W1, b1, W2, b2, lr, steps)"),
    ),
    Check(
        "train-returns",
        "`train` returns the four weights and the list of losses",
        _train_returns,
        needs=("train-defined",),
    ),
    Check(
        "train-losses",
        "`train` records the loss before every step, and the loss falls",
        _train_losses,
        needs=("train-returns",),
    ),
    Check(
        "train-weights",
        "`train` returns the weights after all the steps",
        _train_weights,
        needs=("train-returns",),
    ),
    Check(
        "trained-weights",
        f"`W1`, `b1`, `W2` and `b2` are the weights after {TRAIN_STEPS} steps",
        _trained,
        needs=("train-losses", "train-weights"),
    ),
    Check(
        "loss-before",
        "`loss_before` is the starting loss",
        lambda c: expect_value(c, "loss_before"),
        needs=("train-losses",),
    ),
    Check(
        "loss-after",
        "`loss_after` is the loss of the trained network",
        _loss_after,
        needs=("trained-weights",),
    ),
    Check(
        "loss-went-down",
        "the loss went down",
        lambda c: expect_loss_went_down(
            c, "Check the direction of your steps: `W1 = W1 - lr * dW1` goes downhill."
        ),
        needs=("train-returns",),
    ),
)
