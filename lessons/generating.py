"""Data generators that end by construction: a bounded number of draws, then a fixed fallback.

A generator that redraws "until the data is good" can, on an unlucky seed, never stop; in
the bot that froze grading for everyone. Lessons draw through `first_valid` instead: at most
`MAX_DRAWS` candidates, the first one their `check_data` accepts wins, and if none does, a
hand-written dataset that the same `check_data` accepts (tests prove it does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Data = dict[str, Any]
# Problems with a dataset, in words; empty when it satisfies every constraint of its lesson.
CheckDataFn = Callable[[Mapping[str, Any]], list[str]]

# Each lesson's constraints reject well under one draw in ten, so 32 draws all failing is
# astronomically rare; the fallback makes even that end.
MAX_DRAWS = 32


def first_valid(
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], Data],
    check_data: CheckDataFn,
    fallback: Callable[[], Data],
    *,
    max_draws: int = MAX_DRAWS,
) -> Data:
    """The first of at most `max_draws` draws that `check_data` accepts, else `fallback()`."""
    for _ in range(max_draws):
        data = draw(rng)
        if not check_data(data):
            return data
    return fallback()


def shape_problems(
    data: Mapping[str, Any], shapes: Mapping[str, tuple[int | None, ...]]
) -> list[str]:
    """Each named array has the given shape (None: any length) and only finite numbers."""
    problems = []
    for name, shape in shapes.items():
        value = np.asarray(data.get(name))
        fits = value.ndim == len(shape) and all(
            want is None or got == want for got, want in zip(value.shape, shape, strict=True)
        )
        if not fits:
            problems.append(f"{name} has shape {value.shape}, expected {shape}")
        elif not np.issubdtype(value.dtype, np.number) or not np.all(np.isfinite(value)):
            problems.append(f"{name} is not all finite numbers")
    return problems
