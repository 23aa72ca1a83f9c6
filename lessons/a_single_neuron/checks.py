"""Lesson 2 checks: weighted sum plus bias, ReLU, and the two put together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.diagnoses import sigmoid
from lessons.expect import Mistake, expect_function, expect_value, same
from lessons.generating import first_valid, shape_problems
from sandbox.result import ProbeValue

METRICS: tuple[str, ...] = ()


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    return {
        "x": np.round(rng.uniform(-3, 3, 3), 1),
        "w": np.round(rng.uniform(-1, 1, 3), 2),
        "b": round(float(rng.uniform(-1, 1)), 2),
    }


def check_data(data: Mapping[str, Any]) -> list[str]:
    """The weighted sum must be clearly off zero: `neuron_inputs` relies on one of the neuron
    and its mirror image having a negative sum, so a missing ReLU shows. The bias must be
    clearly off zero and the weights' total clearly off 1, or a forgotten bias, a bias added
    to every product or one inside the dot product (`w @ (x + b)`) gives the right `z`."""
    problems = shape_problems(data, {"x": (3,), "w": (3,), "b": ()})
    if problems:
        return problems
    if abs(float(data["x"] @ data["w"] + data["b"])) < 0.05:
        problems.append("x @ w + b is within 0.05 of 0, so ReLU changes nothing")
    elif abs(float(data["b"])) < 0.1:
        problems.append("b is within 0.1 of 0, so a forgotten bias gives the right z")
    elif abs(float(np.sum(data["w"])) - 1) < 0.1:
        problems.append("sum(w) is within 0.1 of 1, so a bias inside the dot gives the right z")
    return problems


def _fallback() -> dict[str, Any]:
    return {"x": np.array([1.5, -0.5, 2.0]), "w": np.array([0.4, -0.3, 0.25]), "b": 0.1}


def relu_inputs(data: Mapping[str, Any]) -> tuple[list[float], float]:
    """An array with a negative, a positive and a zero, and a negative number, from the seed."""
    x = data["x"]
    values = [-abs(x[0]) - 0.1, abs(x[1]) + 0.1, 0.0, x[2]]
    return [round(float(v), 1) for v in values], round(-abs(float(data["b"])) - 0.5, 2)


def neuron_inputs(data: Mapping[str, Any]) -> list[tuple[list[float], list[float], float]]:
    """Two neurons built from the seed so that every mistake gives its own value.

    On the first, the weighted sum is positive and the bias negative but smaller, so the
    answer is half the weighted sum and above 1: a missing bias doubles it, a bias inside
    the dot product scales it by the weights' total (kept away from 1), and a sigmoid
    squeezes it below 1. On the second, the weights flip and the bias turns positive, so
    the answer is 0 while a missing activation gives a negative number and ReLU before the
    bias gives the bias itself.
    """
    x = [round(abs(float(v)) + 0.5, 1) for v in data["x"]]
    w = [round(abs(float(v)) + 0.1, 2) for v in data["w"]]
    if abs(sum(w) - 1) < 0.1:
        w[0] = round(w[0] + 0.3, 2)
    while float(np.dot(w, x)) < 2.5:
        w = [round(v * 2, 2) for v in w]
    half = round(float(np.dot(w, x)) / 2, 2)
    return [(x, w, -half), (x, [-v for v in w], half)]


def neuron_mistakes(
    x: np.ndarray, w: np.ndarray, b: float, data: Mapping[str, Any]
) -> list[Mistake]:
    """What each beginner mistake in `neuron` returns for these arguments."""
    weighted = float(np.dot(w, x))
    global_output = max(float(np.dot(data["w"], data["x"]) + data["b"]), 0.0)
    return [
        Mistake(
            weighted + b,
            "that is the weighted sum plus bias without the activation. Pass it through `relu`.",
        ),
        Mistake(
            max(weighted, 0.0) + b,
            "you applied `relu` before adding the bias. Add `b` first, then activate.",
        ),
        Mistake(max(weighted, 0.0), "the bias is missing: add `b` to the weighted sum."),
        Mistake(
            max(float(np.dot(w, x + b)), 0.0),
            "the bias went inside the dot product: `np.dot(w, x + b)` adds `b` to every input, "
            "so the weights multiply it too. Add it after: `np.dot(w, x) + b`.",
        ),
        Mistake(
            sigmoid(weighted + b),
            "that is the sigmoid of the weighted sum. This neuron uses ReLU: `relu(...)`.",
        ),
        Mistake(
            global_output,
            "your `neuron` ignores its arguments: it uses the predefined `x`, `w` and `b` (or "
            "`z`). Compute with the parameters the function receives.",
        ),
    ]


def _call(args: tuple[list[float], list[float], float]) -> str:
    x, w, b = args
    return f"neuron(np.array({x}), np.array({w}), {b})"


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    array, number = relu_inputs(data)
    up, down = neuron_inputs(data)
    return {
        "z": "z",
        "relu": "relu",
        "relu_array": f"relu(np.array({array}))",
        "relu_number": f"relu({number})",
        "neuron": "neuron",
        "neuron_up": _call(up),
        "neuron_down": _call(down),
        "output": "output",
    }


def _z(ctx: Context) -> str | None:
    x, w, b = ctx.data["x"], ctx.data["w"], ctx.data["b"]
    mistakes = [
        Mistake(float(np.dot(w, x)), "the bias is missing: add `b` after the weighted sum."),
        Mistake(
            w * x + b,
            "that is an array: multiplying gives one product per input, and the weighted sum "
            "must add the products up into one number. Use `np.dot(w, x) + b`.",
        ),
        Mistake(
            float(np.dot(w, x + b)),
            "the bias went inside the dot product: `np.dot(w, x + b)` adds `b` to every input, "
            "so the weights multiply it too. Add it after: `np.dot(w, x) + b`.",
        ),
        Mistake(
            float(np.mean(w * x) + b),
            f"you averaged the products, which is {len(x)} times too small. The weighted sum "
            "adds them up: `np.dot(w, x)`.",
        ),
        Mistake(
            float(np.sum(w * x + b)),
            f"the bias was added to every product, so it counts {len(x)} times. Add it once, "
            "after the sum.",
        ),
    ]
    return expect_value(ctx, "z", mistakes=mistakes)


def _relu_values(ctx: Context) -> str | None:
    array, number = relu_inputs(ctx.data)
    z = np.array(array)
    got = ctx.got["relu_array"]
    if not got.ok and got.error is not None and "truth value" in got.error.message:
        return f"`relu(np.array({array}))` raised {got.error.type}. {_one_at_a_time(got)}"
    mistakes = [
        Mistake(np.abs(z), "`np.abs` turns negatives positive; ReLU turns them into 0."),
        Mistake(z, "nothing changed: negative values must become 0."),
        Mistake(np.minimum(0, z), "that keeps the negative part. ReLU keeps the positive part."),
        Mistake(
            sigmoid(z),
            "that is the sigmoid, `1 / (1 + np.exp(-z))`. ReLU is `np.maximum(0, z)`: 0 for "
            "negatives, the value itself otherwise.",
        ),
        Mistake(
            float(np.max(z)),
            "`np.max` gives the largest item of the whole array. `np.maximum(0, z)` compares "
            "element by element.",
        ),
    ]
    failure = expect_value(ctx, "relu_array", f"relu(np.array({array}))", mistakes)
    return failure or expect_value(ctx, "relu_number", f"relu({number})")


def _neuron_values(ctx: Context) -> str | None:
    # Prefer the probe on which the learner's value matches exactly one known mistake.
    failures: list[tuple[bool, str]] = []
    for probe, (x_list, w_list, b) in zip(
        ("neuron_up", "neuron_down"), neuron_inputs(ctx.data), strict=True
    ):
        mistakes = neuron_mistakes(np.array(x_list), np.array(w_list), b, ctx.data)
        label = _call((x_list, w_list, b))
        if (failure := expect_value(ctx, probe, label, mistakes)) is not None:
            matches = sum(same(ctx.got[probe].value, m.value) for m in mistakes)
            failures.append((matches != 1, failure))
    return min(failures, key=lambda f: f[0])[1] if failures else None


def _one_at_a_time(got: ProbeValue) -> str:
    """Why code written for one number fails on an array, in the words of what it used."""
    line = (got.error.source_line or "") if got.error is not None else ""
    if "max(" in line:
        return (
            "Python's `max` compares a whole array at once; `np.maximum(0, z)` works element "
            "by element."
        )
    return (
        "`if z < 0` asks one yes-or-no question, but an array has many items, each with its "
        "own answer. Use `np.maximum(0, z)`, which decides element by element."
    )


CHECKS = (
    Check("z", "`z` is the weighted sum plus bias", _z),
    Check(
        "relu-defined",
        "`relu` is defined as a function",
        lambda c: expect_function(c, "relu", "relu(z)"),
    ),
    Check(
        "relu-values",
        "`relu` turns negatives into 0 and keeps the rest, element by element",
        _relu_values,
        needs=("relu-defined",),
    ),
    Check(
        "neuron-defined",
        "`neuron` is defined as a function",
        lambda c: expect_function(c, "neuron", "neuron(x, w, b)"),
    ),
    Check(
        "neuron-values",
        "`neuron` activates the weighted sum plus bias",
        _neuron_values,
        needs=("neuron-defined", "relu-values"),
    ),
    Check(
        "output",
        "`output` is `neuron(x, w, b)`",
        lambda c: expect_value(c, "output"),
        needs=("neuron-values",),
    ),
)
