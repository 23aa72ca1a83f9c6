# mypy: ignore-errors
import numpy as np

# Predefined for you: a, b (NumPy arrays of the same length).

total = ...  # a and b added element by element
product = ...  # a and b multiplied element by element
average = ...  # the mean of a
dot = ...  # the dot product of a and b
