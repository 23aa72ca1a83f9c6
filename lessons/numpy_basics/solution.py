# mypy: ignore-errors
import numpy as np

total = a + b
product = a * b
average = np.mean(a)
dot = np.dot(a, b)
