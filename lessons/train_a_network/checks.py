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
)
from lessons.generating import first_valid, shape_problems

METRICS = ("loss_before", "loss_after")
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
    mask: bool = True,
    update_as_you_go: bool = False,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """Trusted training with optional beginner mistakes: final weights, loss before each step."""
    X, y = data["X"], data["y"]
    p = {name: np.array(data[name], dtype=float) for name in PARAMS}
    lr = data["lr"] if lr is None else lr
    losses = []
    for _ in range(steps):
        z1 = X @ p["W1"] + p["b1"]
        hidden = np.maximum(0, z1)
        error = hidden @ p["W2"] + p["b2"] - y
        losses.append(float(np.mean(error**2)))
        d_pred = 2 * error / len(y)
        W2_before = p["W2"]
        p["W2"] = W2_before - lr * (hidden.T @ d_pred)
        p["b2"] = p["b2"] - lr * np.sum(d_pred)
        W2 = p["W2"] if update_as_you_go else W2_before
        d_z1 = np.outer(d_pred, W2) * ((z1 > 0) if mask else 1)
        p["W1"], p["b1"] = p["W1"] - lr * (X.T @ d_z1), p["b1"] - lr * np.sum(d_z1, axis=0)
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
        Mistake(
            right[:1] * PROBE_STEPS,
            "the loss never changes: assign the new weights back inside the loop "
            "(`W1 = W1 - lr * dW1`, and so on).",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, lr=-data["lr"])[1],
            "the loss grows: step downhill, `W1 - lr * dW1`.",
        ),
        Mistake(
            simulate(data, PROBE_STEPS, mask=False)[1],
            "the ReLU is missing from the backward pass: `d_z1 = d_hidden * (z1 > 0)`.",
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


def _train_weights(ctx: Context) -> str | None:
    for index, name in enumerate(PARAMS):
        start = np.array(ctx.data[name], dtype=float)
        mistakes = [Mistake(start, f"that is the starting `{name}`: return the trained one.")]
        label = f"`{name}` from train(W1, b1, W2, b2, lr, {PROBE_STEPS})"
        got, want = item(ctx.got["train_run"], index), item(ctx.want["train_run"], index)
        if (failure := compare(got, want, label, mistakes)) is not None:
            return failure
    return None


def _trained(ctx: Context) -> str | None:
    for name in PARAMS:
        start = np.array(ctx.data[name], dtype=float)
        mistakes = [Mistake(start, f"`{name}` is still the starting value: train it.")]
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
        )
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
        lambda c: expect_loss_went_down(c, "Check the direction of your steps."),
        needs=("train-returns",),
    ),
)
