"""Lesson 1 checks: element-wise arithmetic, the mean and the dot product."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.expect import Mistake, expect_value
from lessons.generating import first_valid, shape_problems

METRICS: tuple[str, ...] = ()


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(4, 7))
    # One decimal keeps the numbers readable when the learner prints them.
    a, b = np.round(rng.uniform(-5, 5, (2, n)), 1)
    return {"a": a, "b": b}


def check_data(data: Mapping[str, Any]) -> list[str]:
    """Redraw the rare data on which a mistake gives the right answer by coincidence: a sum
    of 0 (then sum and mean agree), or a dot product equal to the product of the sums.
    A zero item hides a loop that skips it, a whole-number mean a floor division."""
    problems = shape_problems(data, {"a": (None,), "b": (None,)})
    if problems:
        return problems
    a, b = data["a"], data["b"]
    if not 4 <= len(a) <= 6 or len(a) != len(b):
        problems.append(f"a and b must have the same length, 4 to 6, not {len(a)} and {len(b)}")
    elif abs(np.sum(a)) < 0.5:
        problems.append("sum(a) is within 0.5 of 0, so the sum passes as the mean")
    elif abs(np.dot(a, b) - np.sum(a) * np.sum(b)) < 0.5:
        problems.append("dot(a, b) is within 0.5 of sum(a) * sum(b)")
    elif not np.all(a * b):
        problems.append("an item of a or b is 0, which hides a loop that skips it")
    elif np.isclose(np.mean(a), np.round(np.mean(a))):
        problems.append("mean(a) is a whole number, which hides a floor division")
    return problems


def _fallback() -> dict[str, Any]:
    return {"a": np.array([1.5, -2.0, 3.5, 0.5]), "b": np.array([2.0, 1.0, -1.5, 4.0])}


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    return {name: name for name in ("total", "product", "average", "dot")}


def _total(ctx: Context) -> str | None:
    a, b = ctx.data["a"], ctx.data["b"]
    mistakes = [
        Mistake(
            np.concatenate([a, b]),
            "that glues the two lists end to end, which is what `+` does to Python lists. "
            "Add the arrays: `a + b`.",
        ),
        Mistake(float(np.sum(a + b)), "that is one number; `total` should be an array."),
        Mistake(a - b, "that is `a - b`: the task asks for the sum, `a + b`."),
        Mistake(a * b, "that is the element-wise product; `total` is the sum, `a + b`."),
        *_skipped(a + b, "a + b"),
    ]
    return expect_value(ctx, "total", mistakes=mistakes)


def _product(ctx: Context) -> str | None:
    a, b = ctx.data["a"], ctx.data["b"]
    mistakes = [
        Mistake(
            float(np.dot(a, b)),
            "that is the dot product, one number. `a * b` multiplies element by element.",
        ),
        Mistake(a + b, "that is the sum. `product` multiplies: `a * b`."),
        Mistake(
            np.outer(a, b),
            "that is the outer product, every item of `a` times every item of `b`. "
            "`a * b` pairs them up item by item.",
        ),
        *_skipped(a * b, "a * b"),
    ]
    return expect_value(ctx, "product", mistakes=mistakes)


def _average(ctx: Context) -> str | None:
    a, b = ctx.data["a"], ctx.data["b"]
    mistakes = [
        Mistake(float(np.sum(a)), "that is the sum of `a`. The mean divides it by the count."),
        Mistake(float(np.mean(b)), "that is the mean of `b`, not of `a`."),
        Mistake(
            float(np.sum(a) // len(a)),
            "floor division `//` rounds down to a whole number. Divide with `/`, "
            "or use `np.mean(a)`.",
        ),
        Mistake(float(np.mean(a + b)), "that is the mean of `a + b`, not of `a` alone."),
        Mistake(float(np.median(a)), "that is the median, the middle value. Use `np.mean(a)`."),
        Mistake(
            float(np.sum(a[1:]) / len(a)),
            "your loop skips the first element: `range(1, len(a))` starts at the second. "
            "Start at 0, or use `np.mean(a)`.",
        ),
        Mistake(
            float(np.mean(a[1:])),
            "that leaves out the first element: `a[1:]` starts at the second. Use all of `a`.",
        ),
        Mistake(
            float(np.sum(a) / (len(a) - 1)),
            "you divided by one less than the count. The mean divides by `len(a)`.",
        ),
    ]
    return expect_value(ctx, "average", mistakes=mistakes)


def _dot(ctx: Context) -> str | None:
    a, b = ctx.data["a"], ctx.data["b"]
    mistakes = [
        Mistake(
            a * b,
            "those are the element-wise products. A dot product adds those products up "
            "into one number: `np.dot(a, b)`.",
        ),
        Mistake(
            float(np.sum(a) * np.sum(b)),
            "you multiplied the sums. A dot product multiplies pair by pair, then adds.",
        ),
        Mistake(
            float(np.mean(a * b)),
            f"you averaged the products, which is {len(a)} times too small. A dot product "
            "adds them up: `np.sum(a * b)`.",
        ),
        Mistake(
            float(np.sum(a + b)),
            "you added each pair instead of multiplying it. Multiply pair by pair, then add.",
        ),
        Mistake(
            float(np.dot(a[1:], b[1:])),
            "your loop skips the first pair: `range(1, len(a))` starts at the second. "
            "Start at 0, or use `np.dot(a, b)`.",
        ),
        Mistake(
            float(np.dot(a[:-1], b[:-1])),
            "your loop skips the last pair: `range(len(a) - 1)` stops one early. "
            "Use `range(len(a))`, or `np.dot(a, b)`.",
        ),
    ]
    return expect_value(ctx, "dot", mistakes=mistakes)


def _skipped(right: np.ndarray, formula: str) -> list[Mistake]:
    """What a loop that misses the first or the last element gives."""
    return [
        Mistake(
            right[1:],
            "your loop skips the first element: `range(1, len(a))` starts at the second. "
            f"Start at 0, or write `{formula}` without a loop.",
        ),
        Mistake(
            right[:-1],
            "your loop skips the last element: `range(len(a) - 1)` stops one early. "
            f"Use `range(len(a))`, or write `{formula}` without a loop.",
        ),
    ]


CHECKS = (
    Check("total", "`total` is `a + b`, element by element", _total),
    Check("product", "`product` is `a * b`, element by element", _product),
    Check("average", "`average` is the mean of `a`", _average),
    Check("dot", "`dot` is the dot product of `a` and `b`", _dot),
)
