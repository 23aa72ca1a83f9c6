"""Lesson 6 checks: backpropagation through the two-layer network, against a numerical gradient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.expect import (
    Mistake,
    compare,
    expect_loss_went_down,
    expect_value,
    expected,
)
from lessons.generating import first_valid, shape_problems

METRICS = ("loss_before", "loss_after")
PARAMS = ("W1", "b1", "W2", "b2")
EPS = 1e-6
# A central difference is accurate to about EPS**2; rounding adds ~1e-10. Mistakes are off
# by factors, so this tolerance never confuses the two.
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-7


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(5, 9))
    X = np.round(rng.normal(0, 1, (n, 3)), 2)
    y = np.round(np.sin(X[:, 0]) + 0.5 * X[:, 1], 2)
    W1 = np.round(rng.normal(0, 0.6, (3, 4)), 2)
    # A hidden unit sitting exactly at ReLU's kink has no slope: nudge the biases a few
    # times; if that is not enough, check_data asks for a fresh draw.
    b1 = np.round(rng.normal(0, 0.3, 4), 2)
    for _ in range(8):
        if np.min(np.abs(X @ W1 + b1)) >= KINK_MARGIN:
            break
        b1 = np.round(b1 + rng.normal(0, 0.05, 4), 2)
    return {
        "X": X,
        "y": y,
        "W1": W1,
        "b1": b1,
        "W2": np.round(rng.normal(0, 0.6, 4), 2),
        "b2": round(float(rng.normal(0, 0.3)), 2),
        "lr": float(rng.choice([0.01, 0.02])),
    }


KINK_MARGIN = 1e-3  # far above the numerical gradient's step EPS


def check_data(data: Mapping[str, Any]) -> list[str]:
    """No hidden unit sits at ReLU's kink, where the numerical gradient is meaningless."""
    shapes = {"X": (None, 3), "y": (None,), "W1": (3, 4), "b1": (4,), "W2": (4,), "b2": ()}
    problems = shape_problems(data, {**shapes, "lr": ()})
    if problems:
        return problems
    X = np.asarray(data["X"])
    if not 5 <= len(X) <= 8 or len(data["y"]) != len(X):
        problems.append(f"X and y must have 5 to 8 rows, not {len(X)} and {len(data['y'])}")
    elif np.min(np.abs(X @ data["W1"] + data["b1"])) < KINK_MARGIN:
        problems.append("a hidden unit sits at ReLU's kink")
    if not 0 < data["lr"] <= 0.05:
        problems.append(f"lr {data['lr']} is not a small positive step")
    return problems


def _fallback() -> dict[str, Any]:
    X = np.array(
        [[0.5, -1.2, 0.3], [-0.8, 0.4, 1.1], [1.3, 0.2, -0.6], [-0.3, -0.9, 0.7], [0.9, 1.0, 0.1]]
    )
    return {
        "X": X,
        "y": np.round(np.sin(X[:, 0]) + 0.5 * X[:, 1], 2),
        "W1": np.array([[0.6, -0.4, 0.9, -0.7], [-0.5, 0.8, 0.3, 0.2], [0.4, 0.1, -0.6, 0.9]]),
        "b1": np.array([0.13, -0.21, 0.07, -0.11]),
        "W2": np.array([0.7, -0.5, 0.4, -0.6]),
        "b2": 0.1,
        "lr": 0.01,
    }


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    names = ("loss_before", "dW1", "db1", "dW2", "db2", *PARAMS, "loss_after")
    return {name: name for name in names}


def _params(data: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {name: np.array(data[name], dtype=float) for name in PARAMS}


def loss(params: Mapping[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    return float(np.mean((hidden @ params["W2"] + params["b2"] - y) ** 2))


def numerical_gradient(data: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Trusted central differences, one weight at a time: slow, simple, hard to get wrong."""
    params = _params(data)
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            nudged = {k: v.copy() for k, v in params.items()}
            nudged[name][index] = value[index] + EPS
            up = loss(nudged, data["X"], data["y"])
            nudged[name][index] = value[index] - EPS
            down = loss(nudged, data["X"], data["y"])
            grad[index] = (up - down) / (2 * EPS)
        grads[name] = grad
    return grads


def _backward_variants(data: Mapping[str, Any]) -> dict[str, dict[str, np.ndarray]]:
    """The gradients a typical mistake produces, to recognise it in the learner's numbers."""
    p, X, y = _params(data), data["X"], data["y"]
    z1 = X @ p["W1"] + p["b1"]
    hidden = np.maximum(0, z1)
    error = hidden @ p["W2"] + p["b2"] - y
    right = 2 * error / len(y)
    updated_W2 = p["W2"] - data["lr"] * (hidden.T @ right)
    variants = {}
    slope = 1 / (1 + np.exp(-np.clip(z1, -50, 50)))
    for mistake, d_pred, mask, W2 in (
        ("no_mask", right, np.ones_like(z1), p["W2"]),
        ("summed", 2 * error, z1 > 0, p["W2"]),
        ("no_two", error / len(y), z1 > 0, p["W2"]),
        ("sign", -right, z1 > 0, p["W2"]),
        ("updated_W2", right, z1 > 0, updated_W2),
        ("sigmoid_mask", right, slope * (1 - slope), p["W2"]),
        ("hidden_mask", right, hidden, p["W2"]),
    ):
        d_z1 = np.outer(d_pred, W2) * mask
        variants[mistake] = {
            "W2": hidden.T @ d_pred,
            "b2": np.sum(d_pred),
            "W1": X.T @ d_z1,
            "b1": np.sum(d_z1, axis=0),
        }
    # Slips in one gradient only: the others stay right.
    variants["z1_for_W2"] = {"W2": z1.T @ right}
    variants["mean_b2"] = {"b2": np.mean(right)}
    return variants


_WHY = {
    "no_mask": "the ReLU is missing from the backward pass. The slope only passes where "
    "`z1 > 0`: `d_z1 = d_hidden * (z1 > 0)`.",
    "summed": "it is `len(y)` times too big: the loss is a *mean*, so divide "
    "`2 * (predictions - y)` by `len(y)`.",
    "no_two": "it is half the right size: the factor 2 from the square is missing.",
    "sign": "the sign is flipped: use `predictions - y`, prediction minus truth.",
    "updated_W2": "it was computed with the *updated* `W2`. Compute every gradient first, "
    "then step all the weights.",
    "sigmoid_mask": "that mask is the sigmoid's derivative, but this network uses ReLU. ReLU's "
    "slope is 1 where `z1 > 0` and 0 elsewhere: `d_z1 = d_hidden * (z1 > 0)`.",
    "hidden_mask": "you multiplied by the activation values themselves. ReLU's slope is 1 "
    "where `z1 > 0` and 0 elsewhere, whatever the value: `d_z1 = d_hidden * (z1 > 0)`.",
    "z1_for_W2": "it was built from `z1`, before the ReLU. `W2` multiplies the ReLU's output, "
    "so `dW2 = hidden.T @ d_predictions`.",
    "mean_b2": "that is the mean of `d_predictions`, `len(y)` times too small: `b2` is added to "
    "every prediction, so its slope is their sum, `np.sum(d_predictions)`.",
}


def _gradients(ctx: Context, names: tuple[str, ...]) -> str | None:
    numerical = numerical_gradient(ctx.data)
    variants = _backward_variants(ctx.data)
    for name in names:
        mistakes = [Mistake(v[name], _WHY[kind]) for kind, v in variants.items() if name in v]
        if name == "b1":
            mistakes.append(
                Mistake(
                    np.sum(numerical[name]),
                    "you summed over everything. Sum over the samples only, one slope per "
                    "hidden unit: `np.sum(d_z1, axis=0)`.",
                )
            )
        if numerical[name].ndim == 2:
            mistakes.append(
                Mistake(
                    numerical[name].T,
                    f"it is transposed. A gradient has the shape of its weight, "
                    f"{numerical[name].shape}: `dW1 = X.T @ d_z1`.",
                )
            )
        failure = expect_value(
            ctx,
            f"d{name}",
            mistakes=mistakes,
            want=expected(numerical[name]),
            rtol=GRAD_RTOL,
            atol=GRAD_ATOL,
        )
        if failure is not None:
            return f"{failure} (Expected values come from a numerical gradient.)"
    return None


def _step(ctx: Context) -> str | None:
    before, grads, lr = _params(ctx.data), numerical_gradient(ctx.data), ctx.data["lr"]
    for name in PARAMS:
        mistakes = [
            Mistake(
                before[name],
                f"`{name}` never changed. Update it: `{name} = {name} - lr * d{name}`.",
            ),
            Mistake(
                before[name] + lr * grads[name],
                f"`{name}` stepped uphill. Subtract the gradient: `{name} - lr * d{name}`.",
            ),
            Mistake(
                before[name] - grads[name],
                f"`{name}`'s step ignores the learning rate: `{name} - lr * d{name}`.",
            ),
        ]
        got, want = ctx.got[name], ctx.want[name]
        if (failure := compare(got, want, name, mistakes)) is not None:
            return failure
    return None


def _loss_before(ctx: Context) -> str | None:
    p, X, y = _params(ctx.data), ctx.data["X"], ctx.data["y"]
    linear = float(np.mean(((X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"] - y) ** 2))
    right = loss(p, X, y)
    mistakes = [
        Mistake(linear, "the hidden layer needs `relu`, as in lesson 3."),
        Mistake(
            right * len(y),
            f"that is the sum of the squared errors, {len(y)} times the mean. The loss is "
            "their mean: `np.mean(...)`.",
        ),
        Mistake(float(np.sqrt(right)), "that is the square root of the MSE. Stop at the mean."),
    ]
    return expect_value(ctx, "loss_before", mistakes=mistakes)


def _loss_after(ctx: Context) -> str | None:
    mistakes = [
        Mistake(
            loss(_params(ctx.data), ctx.data["X"], ctx.data["y"]),
            "that is the loss of the old weights. Run the forward pass again with the new ones.",
        )
    ]
    return expect_value(ctx, "loss_after", mistakes=mistakes)


CHECKS = (
    Check("loss-before", "`loss_before` is the network's starting loss", _loss_before),
    Check(
        "output-gradients",
        "`dW2` and `db2` match the numerical gradient",
        lambda c: _gradients(c, ("W2", "b2")),
        needs=("loss-before",),
    ),
    Check(
        "hidden-gradients",
        "`dW1` and `db1` match the numerical gradient",
        lambda c: _gradients(c, ("W1", "b1")),
        needs=("output-gradients",),
    ),
    Check(
        "step",
        "`W1`, `b1`, `W2` and `b2` each took one step downhill",
        _step,
        needs=("hidden-gradients",),
    ),
    Check("loss-after", "`loss_after` is the loss of the new weights", _loss_after, ("step",)),
    Check(
        "loss-went-down",
        "the loss went down",
        lambda c: expect_loss_went_down(
            c, "Check the direction of your steps: `W1 = W1 - lr * dW1` goes downhill."
        ),
        needs=("loss-before",),
    ),
)
