"""Lesson 4 checks: MSE, then one gradient-descent step on y = w * x."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lessons.checking import Check, Context
from lessons.diagnoses import mse_mistakes
from lessons.expect import (
    Mistake,
    expect_function,
    expect_loss_went_down,
    expect_value,
    fmt,
    is_number,
    same,
)
from lessons.generating import first_valid, shape_problems
from sandbox.result import ProbeValue

EXAMPLE = ([1, 2, 3], [1, 2, 5])  # small enough to check by hand in the message
METRICS = ("loss_before", "loss_after", "w")


def make_data(rng: np.random.Generator) -> dict[str, Any]:
    return first_valid(rng, _draw, check_data, _fallback)


def _draw(rng: np.random.Generator) -> dict[str, Any]:
    n = int(rng.integers(8, 13))
    x = np.round(rng.uniform(-2, 2, n), 2)
    true_w = float(rng.uniform(1.5, 3.5) * rng.choice([-1, 1]))
    y = np.round(true_w * x + rng.normal(0, 0.3, n), 2)
    # lr stays well below 1 / mean(x**2), so one step always lowers the loss.
    return {
        "x": x,
        "y": y,
        "w": round(float(rng.uniform(-1, 1)), 2),
        "lr": float(rng.choice([0.05, 0.1, 0.15])),
    }


def check_data(data: Mapping[str, Any]) -> list[str]:
    """One gradient step from `w` clearly lowers the loss (the lesson's point and a check)."""
    problems = shape_problems(data, {"x": (None,), "y": (None,), "w": (), "lr": ()})
    if problems:
        return problems
    x, y, w, lr = data["x"], data["y"], float(data["w"]), float(data["lr"])
    if not 8 <= len(x) <= 12 or len(y) != len(x):
        problems.append(f"x and y must have 8 to 12 values, not {len(x)} and {len(y)}")
    elif not 0 < lr * float(np.mean(x**2)) < 1:
        problems.append("lr is too big for one step to lower the loss")
    elif abs(float(np.mean(2 * (w * x - y) * x))) < 0.01:
        problems.append("the gradient at w is about 0, so the step changes nothing")
    return problems


def _fallback() -> dict[str, Any]:
    x = np.array([-1.5, -0.8, -0.2, 0.3, 0.7, 1.1, 1.6, 1.9])
    return {"x": x, "y": np.round(2.5 * x + 0.1, 2), "w": 0.3, "lr": 0.1}


def seeded_pair(data: Mapping[str, Any]) -> tuple[list[float], list[float]]:
    """A second, seed-dependent mse input, so a hard-coded answer cannot pass."""
    return (
        [round(float(v), 1) for v in data["y"][:4]],
        [round(float(v), 1) for v in data["x"][:4]],
    )


def probes(data: Mapping[str, Any]) -> dict[str, str]:
    a, b = seeded_pair(data)
    return {
        "mse": "mse",
        "mse_example": f"mse({EXAMPLE[0]}, {EXAMPLE[1]})",
        "mse_seeded": f"mse({a}, {b})",
        "loss_before": "loss_before",
        "grad": "grad",
        "w": "w",
        "loss_after": "loss_after",
    }


def _mse_value(ctx: Context) -> str | None:
    a, b = seeded_pair(ctx.data)
    for probe, args in (("mse_example", EXAMPLE), ("mse_seeded", (a, b))):
        got = ctx.got[probe]
        if not got.ok and got.error is not None and "list" in got.error.message:
            return (
                f"`mse({args[0]}, {args[1]})` raised {got.error.type}: {got.error.message}. "
                "Python lists don't subtract element by element: convert the inputs with "
                "`np.asarray` first."
            )
        label = f"mse({args[0]}, {args[1]})"
        if (failure := expect_value(ctx, probe, label, mse_mistakes(*args))) is not None:
            return failure
    return None


def _step(data: Mapping[str, Any]) -> tuple[float, float, float]:
    """Trusted (w before, grad, w after) for the diagnoses."""
    x, y, w, lr = data["x"], data["y"], data["w"], data["lr"]
    grad = float(np.mean(2 * (w * x - y) * x))
    return w, grad, w - lr * grad


def _loss_before(ctx: Context) -> str | None:
    x, y = ctx.data["x"], ctx.data["y"]
    _, _, w_new = _step(ctx.data)
    mistakes = [
        Mistake(
            float(np.mean((y - w_new * x) ** 2)),
            "that is the loss *after* the step. Compute `loss_before` before you change `w`.",
        ),
        Mistake(
            float(np.mean((y - x) ** 2)), "you compared `y` with `x`; the prediction is `w * x`."
        ),
    ]
    return expect_value(ctx, "loss_before", mistakes=mistakes)


def _gradient(ctx: Context) -> str | None:
    x, y = ctx.data["x"], ctx.data["y"]
    w, grad, w_new = _step(ctx.data)
    error = w * x - y
    mistakes = [
        Mistake(
            float(np.mean(2 * error)),
            "the factor `x` is missing. The prediction is `w * x`, so the chain rule "
            "multiplies by `x`.",
        ),
        Mistake(
            float(np.mean(error * x)),
            "the factor 2 is missing: it comes from the derivative of the square.",
        ),
        Mistake(
            float(np.mean(2 * -error * x)),
            "the sign is flipped. Use prediction minus truth: `(w * x - y)`.",
        ),
        Mistake(float(np.sum(2 * error * x)), "you summed instead of averaging: use `np.mean`."),
        Mistake(
            float(np.mean(2 * (w_new * x - y) * x)),
            "that is the slope after the step. Compute `grad` with the starting `w`.",
        ),
    ]
    failure = expect_value(ctx, "grad", mistakes=mistakes)
    got_grad, got_w = ctx.got["grad"], ctx.got["w"]
    if failure is None or not (_unexplained(got_grad, mistakes) and _number(got_w)):
        return failure
    # A loop of many steps: `w` went further downhill than one step, and `grad` is the
    # flatter slope left over from the last of them.
    further = (w - float(got_w.value)) * grad > (w - w_new) * grad
    if further and abs(float(got_grad.value)) < abs(grad):
        return (
            f"{failure[:-1]}: that looks like the slope after several steps. Take exactly one "
            "step: compute `grad` once, from the starting `w`, then `w = w - lr * grad`."
        )
    return failure


def _weight_step(ctx: Context) -> str | None:
    w, grad, _ = _step(ctx.data)
    lr = ctx.data["lr"]
    mistakes = [
        Mistake(
            w + lr * grad,
            "you stepped uphill. `w + lr * grad` climbs towards more loss; "
            "step against the slope: `w = w - lr * grad`.",
        ),
        Mistake(w, "`w` never changed. Assign the new value back: `w = w - lr * grad`."),
        Mistake(w - grad, "the step ignores the learning rate. Multiply the gradient by `lr`."),
    ]
    failure = expect_value(ctx, "w", mistakes=mistakes)
    got = ctx.got["w"]
    if failure is None or not _unexplained(got, mistakes):
        return failure
    if (w - float(got.value)) * grad > 0:  # downhill, but not by lr * grad
        return (
            f"{failure[:-1]}: `w` moved downhill, but not by one step of `lr * grad`. Use the "
            f"predefined `lr` (it is {fmt(lr)} on this run) and step once: `w = w - lr * grad`."
        )
    return failure


def _number(probe: ProbeValue) -> bool:
    """A finite number: the closer diagnoses compare directions, which NaN and inf lack."""
    return probe.ok and is_number(probe) and bool(np.isfinite(float(probe.value)))


def _unexplained(got: ProbeValue, mistakes: list[Mistake]) -> bool:
    """A number that matches none of the known mistakes: room for a closer diagnosis."""
    return _number(got) and not any(same(got.value, m.value) for m in mistakes)


def _loss_after(ctx: Context) -> str | None:
    x, y = ctx.data["x"], ctx.data["y"]
    w = ctx.data["w"]
    mistakes = [
        Mistake(
            float(np.mean((y - w * x) ** 2)),
            "that is still the loss of the old `w`. Compute `loss_after` after the step, "
            "from fresh predictions `w * x`.",
        )
    ]
    return expect_value(ctx, "loss_after", mistakes=mistakes)


CHECKS = (
    Check(
        "mse-defined",
        "`mse` is defined as a function",
        lambda ctx: expect_function(ctx, "mse", "mse(y_true, y_pred)"),
    ),
    Check(
        "mse-value",
        "`mse` returns the mean of the squared differences",
        _mse_value,
        needs=("mse-defined",),
    ),
    Check(
        "loss-before",
        "`loss_before` is the loss of the starting `w`",
        _loss_before,
        needs=("mse-value",),
    ),
    Check("gradient", "`grad` is the slope of the loss at the starting `w`", _gradient),
    Check("step", "`w` took one step downhill", _weight_step, needs=("gradient",)),
    Check(
        "loss-after",
        "`loss_after` is the loss of the new `w`",
        _loss_after,
        needs=("mse-value", "step"),
    ),
    Check(
        "loss-went-down",
        "the loss went down",
        lambda c: expect_loss_went_down(
            c, "Check the direction of your step: `w = w - lr * grad` goes downhill."
        ),
        needs=("mse-value",),
    ),
)
