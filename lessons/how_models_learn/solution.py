# mypy: ignore-errors
import numpy as np


def mse(y_true, y_pred):
    diffs = np.asarray(y_true) - np.asarray(y_pred)
    return float(np.mean(diffs**2))


loss_before = mse(y, w * x)
grad = np.mean(2 * (w * x - y) * x)
w = w - lr * grad
loss_after = mse(y, w * x)
