# mypy: ignore-errors
import numpy as np


def mse(y_true, y_pred):
    diffs = np.asarray(y_true) - np.asarray(y_pred)
    return float(np.mean(diffs**2))


def train(w, lr, steps):
    losses = []
    for _ in range(steps):
        losses.append(mse(y, w * x))
        grad = np.mean(2 * (w * x - y) * x)
        w = w - lr * grad
    return w, losses


w_trained, losses = train(w, lr, 50)
loss_before = losses[0]
loss_after = mse(y, w_trained * x)
lr_too_big = 10 / np.mean(x**2)
