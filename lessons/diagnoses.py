"""Mistakes more than one lesson diagnoses, computed from the trusted data of a run."""

from __future__ import annotations

from typing import Any

import numpy as np

from lessons.expect import Mistake


def mse_mistakes(y_true: Any, y_pred: Any) -> list[Mistake]:
    """What the usual slips in `mse(y_true, y_pred)` return for these arguments."""
    d = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return [
        Mistake(
            float(np.sum(d**2)),
            "it looks like you summed the squared errors instead of averaging them.",
        ),
        Mistake(
            float(np.mean(np.abs(d))),
            "it looks like you averaged the absolute differences. Square them instead.",
        ),
        Mistake(
            float(np.mean(d) ** 2),
            "it looks like you squared the mean difference. Square each difference first, "
            "then take the mean.",
        ),
        Mistake(
            float(np.mean(d)),
            "it looks like you averaged the differences without squaring them, so positive "
            "and negative gaps cancel out.",
        ),
        Mistake(
            float(np.sqrt(np.mean(d**2))),
            "that is the square root of the MSE (the RMSE). Stop at the mean.",
        ),
        Mistake(
            (d**2).tolist(),
            "those are the squared differences themselves. Average them into one number "
            "with `np.mean`.",
        ),
    ]


def sigmoid(z: Any) -> Any:
    """What a learner's sigmoid returns; clipped so that big inputs don't overflow `exp`."""
    return 1 / (1 + np.exp(-np.clip(np.asarray(z, dtype=float), -500, 500)))
