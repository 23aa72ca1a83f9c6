# mypy: ignore-errors
import numpy as np

# Predefined for you: X (samples x 3), W1 (3 x 4), b1 (4,), W2 (4,), b2 (a number).


def relu(z): ...


hidden = ...  # the hidden layer's values for X


def forward(X, W1, b1, W2, b2):
    # hidden layer with relu, then the output layer without an activation
    ...


predictions = ...
