# mypy: ignore-errors
import numpy as np

z = np.dot(w, x) + b


def relu(z):
    return np.maximum(0, z)


def neuron(x, w, b):
    return relu(np.dot(w, x) + b)


output = neuron(x, w, b)
