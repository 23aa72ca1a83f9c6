"""Correct code in a style the policy used to refuse now passes its lesson (issue 11)."""

from __future__ import annotations

import pytest

from lessons import grade_submission, load_course
from sandbox import Sandbox
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()

# Backpropagation with the gradients accumulated element by element, as beginners write it.
LOOPED_BACKPROPAGATION = """
import numpy as np


def relu(z):
    return np.maximum(0, z)


def forward(X, W1, b1, W2, b2):
    z1 = X @ W1 + b1
    hidden = relu(z1)
    return z1, hidden, hidden @ W2 + b2


z1, hidden, predictions = forward(X, W1, b1, W2, b2)
loss_before = np.mean((predictions - y) ** 2)

d_predictions = 2 * (predictions - y) / len(y)
dW1 = np.zeros_like(W1)
db1 = np.zeros_like(b1)
dW2 = np.zeros_like(W2)
db2 = 0.0
for i in range(len(y)):
    db2 += d_predictions[i]
    for j in range(len(W2)):
        dW2[j] += hidden[i, j] * d_predictions[i]
        d_z = d_predictions[i] * W2[j] * (z1[i, j] > 0)
        db1[j] += d_z
        for k in range(X.shape[1]):
            dW1[k, j] += X[i, k] * d_z

W1 = W1 - lr * dW1
b1 = b1 - lr * db1
W2 = W2 - lr * dW2
b2 = b2 - lr * db2
loss_after = np.mean((forward(X, W1, b1, W2, b2)[2] - y) ** 2)
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_backpropagation_accepts_gradients_accumulated_in_loops(
    sandbox: Sandbox, seed: int
) -> None:
    lesson = load_course().get("backpropagation")
    verdict = await grade_submission(lesson, LOOPED_BACKPROPAGATION, sandbox, seed=seed)
    assert verdict.passed, (verdict.status, verdict.message, verdict.checks)
