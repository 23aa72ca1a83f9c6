"""NaN and infinities in JSON, which has neither: they travel as {"$float": "NaN"} and come
back as floats. A leaf (it imports nothing of the project), so the sandbox's frames, a
verdict's JSON and the store's columns share one codec without depending on each other."""

from __future__ import annotations

import math
from typing import Any

FLOAT_TAG = "$float"
NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def encode_floats(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {
            FLOAT_TAG: "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        }
    if isinstance(value, dict):
        return {k: encode_floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_floats(v) for v in value]
    return value


def decode_floats(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and FLOAT_TAG in value:
            return NONFINITE.get(value[FLOAT_TAG], math.nan)
        return {k: decode_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_floats(v) for v in value]
    return value
