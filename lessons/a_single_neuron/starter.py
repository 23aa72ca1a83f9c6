# mypy: ignore-errors
import numpy as np

# Predefined for you: x (inputs), w (weights), b (the bias, a number).

z = ...  # weighted sum plus bias


def relu(z):
    # 0 for negative values, the value itself otherwise; element by element for arrays
    ...


def neuron(x, w, b):
    # weighted sum plus bias, then the activation
    ...


output = ...
