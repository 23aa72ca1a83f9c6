# mypy: ignore-errors
import numpy as np

# Predefined for you: X (samples x 1), y, W1 (1 x 8), b1 (8,), W2 (8,), b2 (a number), lr.


def relu(z):
    return np.maximum(0, z)


def train(W1, b1, W2, b2, lr, steps):
    losses = []
    for _ in range(steps):
        # the forward pass, then record the loss
        ...
        # the backward pass: dW1, db1, dW2, db2
        ...
        # one step downhill on every weight
        ...
    return W1, b1, W2, b2, losses


W1, b1, W2, b2, losses = ...  # 300 steps from the predefined weights
loss_before = ...
loss_after = ...  # the loss of the trained network
