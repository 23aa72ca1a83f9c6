"""Lesson 3 checks: the forward pass of a two-layer network on a batch of inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.diagnoses import sigmoid
from lessons.expect import Mistake, expect_function, expect_value
from lessons.generating import first_valid, shape_problems

METRICS: tuple[str, ...] = ()
INPUTS = ("X", "-X")  # -X flips which hidden units are active, so both ReLU branches count


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(5, 8))  # never 4, the hidden width: a wrong axis shows in the shape
    X = np.round(rng.normal(0, 1, (n, 3)), 2)
    W1 = np.round(rng.normal(0, 0.8, (3, 4)), 2)
    b1 = np.round(rng.normal(0, 0.5, 4), 2)
    for _ in range(_NUDGES):  # lower b1 until ReLU cuts something (check_data has the final say)
        if not np.all(X @ W1 + b1 > 0):
            break
        b1 = np.round(b1 - 0.5, 2)
    W2 = np.round(rng.normal(0, 1, 4), 2)
    # Centre the outputs on 0, so some predictions are negative and an activation on the
    # output layer shows. Equal outputs can never be centred: then check_data asks for a
    # fresh draw instead of trying forever.
    outputs = np.maximum(0, X @ W1 + b1) @ W2
    b2 = 0.0
    for _ in range(_NUDGES):
        b2 = round(float(-np.median(outputs) + rng.normal(0, 0.3)), 2)
        if not _b2_problems(outputs, b2):
            break
    return {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2}


_NUDGES = 8


def check_data(data: Mapping[str, Any]) -> list[str]:
    """ReLU cuts some hidden values and the predictions have both signs, so a missing
    activation on either layer shows; b2 is clearly non-zero, so a missing bias shows."""
    shapes = {"X": (None, 3), "W1": (3, 4), "b1": (4,), "W2": (4,), "b2": ()}
    problems = shape_problems(data, shapes)
    if problems:
        return problems
    X, W1, b1, W2 = (np.asarray(data[k]) for k in ("X", "W1", "b1", "W2"))
    if not 5 <= len(X) <= 7:
        problems.append(f"X has {len(X)} rows, expected 5 to 7 (never 4, the hidden width)")
    if np.all(X @ W1 + b1 >= 0):
        problems.append("ReLU cuts no hidden value")
    problems += _b2_problems(np.maximum(0, X @ W1 + b1) @ W2, float(data["b2"]))
    return problems


def _b2_problems(outputs: np.ndarray, b2: float) -> list[str]:
    if abs(b2) < 0.1:
        return ["b2 is within 0.1 of 0"]
    if not (np.any(outputs + b2 > 0) and np.any(outputs + b2 < 0)):
        return ["the predictions do not have both signs"]
    return []


def _fallback() -> dict[str, Any]:
    return {
        "X": np.array(
            [
                [0.5, -1.2, 0.3],
                [-0.8, 0.4, 1.1],
                [1.3, 0.2, -0.6],
                [-0.3, -0.9, 0.7],
                [0.9, 0.6, 0.2],
            ]
        ),
        "W1": np.array([[0.6, -0.4, 0.9, -0.7], [-0.5, 0.8, 0.3, 0.2], [0.4, 0.1, -0.6, 0.9]]),
        "b1": np.array([0.1, -0.2, 0.05, -0.1]),
        "W2": np.array([1.2, -0.8, 0.5, -1.1]),
        "b2": 0.3,
    }


def relu_input(data: Mapping[str, Any]) -> list[float]:
    row = data["X"][0]
    return [round(float(v), 2) for v in (-abs(row[0]) - 0.1, abs(row[1]) + 0.1, 0.0)]


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    found = {
        "relu": "relu",
        "relu_array": f"relu(np.array({relu_input(data)}))",
        "hidden": "hidden",
        "forward": "forward",
        "predictions": "predictions",
    }
    for inputs in INPUTS:
        found[f"forward {inputs}"] = f"forward({inputs}, W1, b1, W2, b2)"
    return found


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(0, z)


def _relu_values(ctx: Context) -> str | None:
    values = relu_input(ctx.data)
    z = np.array(values)
    got = ctx.got["relu_array"]
    if not got.ok and got.error is not None and "truth value" in got.error.message:
        return (
            f"`relu(np.array({values}))` raised {got.error.type}. A plain `if` or `max` asks "
            "one question about the whole array; `np.maximum(0, z)` decides element by element."
        )
    mistakes = [
        Mistake(np.abs(z), "`np.abs` turns negatives positive; ReLU turns them into 0."),
        Mistake(z, "nothing changed: negative values must become 0."),
        Mistake(np.minimum(0, z), "that keeps the negative part. ReLU keeps the positive part."),
        Mistake(sigmoid(z), _SIGMOID),
    ]
    return expect_value(ctx, "relu_array", f"relu(np.array({values}))", mistakes)


_SIGMOID = (
    "that is the sigmoid, `1 / (1 + np.exp(-z))`. This network uses ReLU: `np.maximum(0, z)`."
)


def _hidden(ctx: Context) -> str | None:
    X, W1, b1 = ctx.data["X"], ctx.data["W1"], ctx.data["b1"]
    mistakes = [
        Mistake(X @ W1 + b1, "the activation is missing: pass the layer through `relu`."),
        Mistake(_relu(X @ W1), "the bias `b1` is missing: add it before the activation."),
        Mistake(_relu(X @ W1) + b1, "add `b1` before `relu`, not after."),
        Mistake(
            _relu(X @ W1 + ctx.data["b2"]),
            "the hidden layer uses `b2`; its bias is `b1`. `b2` belongs to the output layer.",
        ),
        Mistake(sigmoid(X @ W1 + b1), _SIGMOID),
    ]
    return expect_value(ctx, "hidden", mistakes=mistakes)


def _forward_values(ctx: Context) -> str | None:
    d = ctx.data
    for inputs in INPUTS:
        X = d["X"] if inputs == "X" else -d["X"]
        z1 = X @ d["W1"] + d["b1"]
        hidden = _relu(z1)
        mistakes = [
            Mistake(
                _relu(hidden @ d["W2"] + d["b2"]),
                "the output layer has no activation here: predictions may be negative.",
            ),
            Mistake(
                z1 @ d["W2"] + d["b2"],
                "the hidden layer needs `relu`; without it two layers collapse into one line.",
            ),
            Mistake(hidden @ d["W2"], "the output bias `b2` is missing."),
            Mistake(_relu(X @ d["W1"]) @ d["W2"] + d["b2"], "the hidden bias `b1` is missing."),
            Mistake(
                _relu(X @ d["W1"] + d["b2"]) @ d["W2"] + d["b2"],
                "the hidden layer uses `b2`; its bias is `b1`. `b2` belongs to the output layer.",
            ),
            Mistake(sigmoid(z1) @ d["W2"] + d["b2"], f"in the hidden layer, {_SIGMOID}"),
            Mistake(
                np.sum(hidden * d["W2"], axis=0) + d["b2"],
                "you summed over the samples (`axis=0`), so you got one number per hidden unit. "
                "Each sample's prediction sums over the hidden units: `axis=1`, or "
                "`hidden @ W2`.",
            ),
            Mistake(
                np.mean(hidden * d["W2"], axis=1) + d["b2"],
                f"you averaged over the hidden units, which is {len(d['W2'])} times too small. "
                "The output layer adds them up: `hidden @ W2`.",
            ),
            Mistake(
                hidden,
                "that is the hidden layer. Finish with the output layer: `hidden @ W2 + b2`.",
            ),
        ]
        if inputs != "X":
            start = d["X"]
            mistakes.append(
                Mistake(
                    _relu(start @ d["W1"] + d["b1"]) @ d["W2"] + d["b2"],
                    "`forward` ignores its argument `X`: it uses the predefined `X` (or "
                    "`hidden`). Compute with the parameters the function receives.",
                )
            )
        label = f"forward({inputs}, W1, b1, W2, b2)"
        if (failure := expect_value(ctx, f"forward {inputs}", label, mistakes)) is not None:
            return failure
    return None


CHECKS = (
    Check("relu-defined", "`relu` is defined", lambda c: expect_function(c, "relu", "relu(z)")),
    Check(
        "relu-values",
        "`relu` turns negatives into 0, element by element",
        _relu_values,
        needs=("relu-defined",),
    ),
    Check(
        "hidden",
        "`hidden` holds the hidden layer's values",
        _hidden,
        needs=("relu-values",),
    ),
    Check(
        "forward-defined",
        "`forward` is defined",
        lambda c: expect_function(c, "forward", "forward(X, W1, b1, W2, b2)"),
    ),
    Check(
        "forward-values",
        "`forward` computes both layers",
        _forward_values,
        needs=("forward-defined", "relu-values"),
    ),
    Check(
        "predictions",
        "`predictions` is `forward(X, W1, b1, W2, b2)`",
        lambda c: expect_value(c, "predictions"),
        needs=("forward-values",),
    ),
)
