# mypy: ignore-errors
import numpy as np

# Predefined for you: x, y (NumPy arrays), w (the weight, a float), lr (the learning rate).


def mse(y_true, y_pred):
    # Mean of the squared differences. Accept lists as well as arrays.
    ...


loss_before = ...  # the loss of the predictions w * x, before training
grad = ...  # the slope of the loss with respect to w
w = ...  # one step downhill
loss_after = ...  # the loss with the new w
