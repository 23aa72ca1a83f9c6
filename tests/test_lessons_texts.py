"""What the lesson texts teach is right: the seed lesson covers the reference content
(shared/reference/how-models-learn.txt), its code and formulas compute what they claim, and the
learning-rate tipping point the training-loop lesson states holds on its data."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from lessons import load_course

COURSE = load_course()
SEED = COURSE.get("how-models-learn")
TRAINING_LOOP = COURSE.get("training-loop")


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


def mse(y_true: Any, y_pred: Any) -> float:
    return float(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2))


def test_the_seed_lesson_comes_after_the_two_layer_network_it_refers_to() -> None:
    assert COURSE.lessons[SEED.number - 2].id == "two-layer-network"
    assert "two-layer network from the last lesson" in SEED.explanation


def test_the_seed_lesson_predefines_exactly_x_y_w_and_lr() -> None:
    data = SEED.data(1)
    assert set(data) == {"x", "y", "w", "lr"}
    assert all(f"`{name}`" in SEED.task for name in data)


def test_the_seed_lesson_covers_the_reference_content() -> None:
    text = (SEED.explanation + SEED.task).lower()
    for idea in (
        "random weights",
        "mean squared error",
        "square",
        "0 means a perfect fit",
        "gradient",
        "uphill",
        "learning rate",
        "`y = w * x`",
        "exactly one step",
        "backpropagation",
        "chain rule",
        "every weight",
        "loss.backward()",
        "`loss_before`",
        "`loss_after`",
        "lower than `loss_before`",
    ):
        assert idea in text, idea
    assert "grad = np.mean(2 * (w * x - y) * x)" in SEED.task
    assert "w = w - lr * grad" in SEED.task


def test_the_taught_mse_is_the_mean_of_squared_differences() -> None:
    namespace: dict[str, Any] = {"np": np}
    exec(python_blocks(SEED.explanation)[0], namespace)
    taught = namespace["mse"]
    assert taught([1, 2, 3], [1, 2, 5]) == pytest.approx(4 / 3)
    data = SEED.data(3)
    assert taught(data["y"], data["w"] * data["x"]) == pytest.approx(
        mse(data["y"], data["w"] * data["x"])
    )


def test_the_taught_step_goes_against_the_gradient() -> None:
    namespace: dict[str, Any] = {"w": 1.0, "learning_rate": 0.1, "gradient": 2.0}
    exec(python_blocks(SEED.explanation)[1], namespace)
    assert namespace["w"] == pytest.approx(0.8)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_taught_gradient_is_the_slope_of_the_loss(seed: int) -> None:
    formula = re.search(r"`grad = (np\.mean\(.*?\))`", SEED.task)
    assert formula is not None
    x, y, w = (SEED.data(seed)[k] for k in ("x", "y", "w"))
    taught = eval(formula[1], {"np": np, "x": x, "y": y, "w": w})
    eps = 1e-6
    numerical = (mse(y, (w + eps) * x) - mse(y, (w - eps) * x)) / (2 * eps)
    assert taught == pytest.approx(numerical, rel=1e-5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stated_learning_rate_tipping_point_holds(seed: int) -> None:
    assert "bigger than `1 / np.mean(x ** 2)`" in TRAINING_LOOP.explanation
    x, y, w = (TRAINING_LOOP.data(seed)[k] for k in ("x", "y", "w"))
    tipping = 1 / np.mean(x**2)

    def loss_after_steps(lr: float, steps: int = 20) -> float:
        weight = w
        for _ in range(steps):
            weight = weight - lr * np.mean(2 * (weight * x - y) * x)
        return mse(y, weight * x)

    start = mse(y, w * x)
    assert loss_after_steps(0.95 * tipping) < start
    assert loss_after_steps(1.05 * tipping) > start
