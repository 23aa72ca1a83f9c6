# mypy: ignore-errors
import numpy as np


def relu(z):
    return np.maximum(0, z)


def forward(X, W1, b1, W2, b2):
    z1 = X @ W1 + b1
    hidden = relu(z1)
    return z1, hidden, hidden @ W2 + b2


def train(W1, b1, W2, b2, lr, steps):
    losses = []
    for _ in range(steps):
        z1, hidden, predictions = forward(X, W1, b1, W2, b2)
        losses.append(np.mean((predictions - y) ** 2))

        d_predictions = 2 * (predictions - y) / len(y)
        dW2 = hidden.T @ d_predictions
        db2 = np.sum(d_predictions)
        d_z1 = np.outer(d_predictions, W2) * (z1 > 0)
        dW1 = X.T @ d_z1
        db1 = np.sum(d_z1, axis=0)

        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
    return W1, b1, W2, b2, losses


W1, b1, W2, b2, losses = train(W1, b1, W2, b2, lr, 300)
loss_before = losses[0]
loss_after = np.mean((forward(X, W1, b1, W2, b2)[2] - y) ** 2)
