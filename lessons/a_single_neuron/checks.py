"""Lesson 2 checks: weighted sum plus bias, ReLU, and the two put together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.expect import Mistake, expect_function, expect_value, same
from lessons.generating import first_valid, shape_problems

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
    and its mirror image having a negative sum, so a missing ReLU shows."""
    problems = shape_problems(data, {"x": (3,), "w": (3,), "b": ()})
    if not problems and abs(float(data["x"] @ data["w"] + data["b"])) < 0.05:
        problems.append("x @ w + b is within 0.05 of 0, so ReLU changes nothing")
    return problems


def _fallback() -> dict[str, Any]:
    return {"x": np.array([1.5, -0.5, 2.0]), "w": np.array([0.4, -0.3, 0.25]), "b": 0.1}


def relu_inputs(data: Mapping[str, Any]) -> tuple[list[float], float]:
    """An array with a negative, a positive and a zero, and a negative number, from the seed."""
    x = data["x"]
    values = [-abs(x[0]) - 0.1, abs(x[1]) + 0.1, 0.0, x[2]]
    return [round(float(v), 1) for v in values], round(-abs(float(data["b"])) - 0.5, 2)


def neuron_inputs(data: Mapping[str, Any]) -> list[tuple[list[float], list[float], float]]:
    """The lesson's neuron and its mirror image: one of the two always has a negative sum."""
    x, w, b = data["x"].tolist(), data["w"].tolist(), float(data["b"])
    return [(x, w, b), (x, [-v for v in w], -b)]


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
    ]
    return expect_value(ctx, "z", mistakes=mistakes)


def _relu_values(ctx: Context) -> str | None:
    array, number = relu_inputs(ctx.data)
    z = np.array(array)
    got = ctx.got["relu_array"]
    if not got.ok and got.error is not None and "truth value" in got.error.message:
        return (
            f"`relu(np.array({array}))` raised {got.error.type}. Python's `max` compares "
            "a whole array at once; `np.maximum(0, z)` works element by element."
        )
    mistakes = [
        Mistake(np.abs(z), "`np.abs` turns negatives positive; ReLU turns them into 0."),
        Mistake(z, "nothing changed: negative values must become 0."),
        Mistake(np.minimum(0, z), "that keeps the negative part. ReLU keeps the positive part."),
    ]
    failure = expect_value(ctx, "relu_array", f"relu(np.array({array}))", mistakes)
    return failure or expect_value(ctx, "relu_number", f"relu({number})")


def _neuron_values(ctx: Context) -> str | None:
    # On the probe with a positive weighted sum, "relu before the bias" and "no activation"
    # give the same number; prefer the probe whose mistake is unambiguous.
    failures: list[tuple[bool, str]] = []
    for probe, (x_list, w_list, b) in zip(
        ("neuron_up", "neuron_down"), neuron_inputs(ctx.data), strict=True
    ):
        x, w = np.array(x_list), np.array(w_list)
        weighted = float(np.dot(w, x))
        mistakes = [
            Mistake(
                weighted + b,
                "that is the weighted sum plus bias without the activation. Pass it "
                "through `relu`.",
            ),
            Mistake(
                max(weighted, 0.0) + b,
                "you applied `relu` before adding the bias. Add `b` first, then activate.",
            ),
            Mistake(max(weighted, 0.0), "the bias is missing."),
        ]
        label = _call((x_list, w_list, b))
        if (failure := expect_value(ctx, probe, label, mistakes)) is not None:
            matches = sum(same(ctx.got[probe].value, m.value) for m in mistakes)
            failures.append((matches != 1, failure))
    return min(failures, key=lambda f: f[0])[1] if failures else None


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
