"""A confined child can import nothing from disk (no path stat, no directory listing), so
everything the allowed modules import lazily must already be loaded by the zygote. This
calls every function the facades hand out, in a real child with every layer, and fails on
any import the child would have needed."""

from __future__ import annotations

import pytest

from sandbox import Limits, Sandbox, SandboxOptions, Status

pytestmark = pytest.mark.asyncio

CALL_EVERYTHING = """
import math, random, statistics, warnings
import numpy as np
from sandbox.facades import (LINALG_NAMES, MATH_NAMES, NUMPY_NAMES, NUMPY_RANDOM_NAMES,
                             RANDOM_NAMES, STATISTICS_NAMES)
warnings.simplefilter("ignore")
matrix = np.array([[2.0, 1.0], [1.0, 3.0]])
vector = np.array([3.0, 1.0, 2.0])
samples = ((matrix,), (vector,), (vector, vector), (matrix, matrix), ([1.0, 2.0, 3.0],),
           ([[1, 2], [3, 4]],), (2.0,), (3,), (2.0, 3.0), ())
missing = []
for module, names in ((np, NUMPY_NAMES), (np.linalg, LINALG_NAMES),
                      (np.random, NUMPY_RANDOM_NAMES), (statistics, STATISTICS_NAMES),
                      (random, RANDOM_NAMES), (math, MATH_NAMES)):
    for name in names:
        function = getattr(module, name, None)
        if not callable(function):
            continue
        for args in samples:
            try:
                function(*args)
            except ImportError as exc:  # ModuleNotFoundError too
                missing.append(f"{module.__name__}.{name}: {exc}")
            except Exception:
                pass
for value in (matrix, vector, np.float64(1.5), np.int64(3)):
    str(value), repr(value), f"{value}", value.tolist()
"""


async def test_every_facade_function_runs_without_a_lazy_import() -> None:
    options = SandboxOptions(policy=False)
    async with Sandbox(workers=1, limits=Limits(timeout_s=20), options=options) as sandbox:
        if not any(layer.name == "seccomp" and layer.active for layer in sandbox.layers):
            pytest.skip("no seccomp on this host: a child could still import from disk")
        result = await sandbox.run(CALL_EVERYTHING, probes={"missing": "missing"})
    assert result.status is Status.OK, result
    assert result.probes["missing"].value == []


async def test_np_median_works_in_learner_code() -> None:
    async with Sandbox(workers=1) as sandbox:
        result = await sandbox.run("import numpy as np\nprint(np.median([1.0, 5.0, 2.0]))")
    assert result.status is Status.OK and result.stdout == "2.0\n", result
