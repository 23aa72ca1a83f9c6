"""How a verdict words the change of the loss: a percentage for ordinary changes, a factor
once it more than doubled, and "blew up" past a thousandfold or at NaN/infinity."""

from __future__ import annotations

import pytest

from cogs.submissions.verdict_rendering import loss_change


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        (0.78, 0.86, "+0.08 (+10.3%) 📈 up"),
        (16.2, 6.1, "-10.1 (-62.3%) 📉 down"),
        (1.0, 1.0, "➖ unchanged"),
        (0.5, 1.5, "📈 up: 3 times the starting loss"),
        (0.5, 503864951.0, "📈 blew up: 1.01e+09 times the starting loss"),
        (0.5, float("nan"), "📈 blew up (`loss_after` is nan)"),
        (0.5, float("inf"), "📈 blew up (`loss_after` is inf)"),
    ],
)
def test_loss_change_reads_as_a_percentage_a_factor_or_blew_up(
    before: float, after: float, said: str
) -> None:
    assert loss_change(before, after) == said
