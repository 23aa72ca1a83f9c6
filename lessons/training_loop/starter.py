# mypy: ignore-errors
import numpy as np

# Predefined for you: x, y (NumPy arrays), w (the starting weight), lr (a learning rate).


def mse(y_true, y_pred): ...


def train(w, lr, steps):
    losses = []
    # each step: record the loss of the current w, compute the gradient, step downhill
    ...
    return w, losses


w_trained, losses = ...  # 50 steps from the predefined w and lr
loss_before = ...
loss_after = ...
lr_too_big = ...  # a learning rate that makes the loss grow
