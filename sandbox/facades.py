"""The only modules learner code can import, as allowlisted facades over the real ones.

A real module object is never handed out: numpy's public submodules and helpers reach
`os`, `sys`, `ctypes` and the file system without a single underscore, so each facade
lists what it exposes and anything else raises a fresh AttributeError. Every function a
facade holds is sealed (sandbox.sealed): `np.random.default_rng.func_globals` has nothing
to find, because the learner never holds the real Cython function.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from sandbox.refusals import AttributeRefused
from sandbox.sealed import TypeStandIn, seal, stand_in

__all__ = ["ABSENT", "ALLOWED_IMPORTS", "Facade", "TypeStandIn", "build_facades", "stand_in"]


ABSENT = object()  # what Facade.attribute returns for a name it doesn't offer


class Facade:
    """A read-only module stand-in holding an explicit set of names."""

    __slots__ = ("_facade_attrs", "_facade_name", "_facade_withheld")

    def __init__(self, name: str, attrs: Mapping[str, Any], withheld: Iterable[str] = ()) -> None:
        object.__setattr__(self, "_facade_name", name)
        object.__setattr__(self, "_facade_attrs", dict(attrs))
        # Names the real module has but the facade leaves out: refused, not "missing".
        object.__setattr__(self, "_facade_withheld", frozenset(withheld) - set(attrs))

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails; dunders (e.g. __name__, which the import
        # machinery would use to fall back to sys.modules) fail here too.
        try:
            return self._facade_attrs[name]
        except KeyError:
            raise self.missing(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"module '{self._facade_name}' is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"module '{self._facade_name}' is read-only")

    def __dir__(self) -> Iterable[str]:
        return sorted(self._facade_attrs)

    def __repr__(self) -> str:
        return f"<module '{self._facade_name}'>"

    def names(self) -> list[str]:
        return sorted(self._facade_attrs)

    def offers(self, name: str) -> bool:
        return name in self._facade_attrs

    def attribute(self, name: str) -> Any:
        """The value of `name`, or ABSENT: the guards' fast path (np.mean in a loop)."""
        return self._facade_attrs.get(name, ABSENT)

    def missing(self, name: str) -> AttributeError:
        """The error for a name the facade doesn't offer: a policy refusal when the real
        module has it (np.loadtxt), a plain AttributeError for a typo (np.meen)."""
        if name in self._facade_withheld:
            return AttributeRefused(f"{self._facade_name}.{name} is not available in the sandbox")
        return AttributeError(f"module '{self._facade_name}' has no attribute '{name}'")


class ErrorState:
    """`np.errstate(...)` as a context manager only. As a decorator the real one returns a
    function written in Python, whose globals are numpy's."""

    __slots__ = ("_state",)

    def __init__(self, **settings: Any) -> None:
        self._state = np.errstate(**settings)

    def __enter__(self) -> None:
        self._state.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self._state.__exit__(*exc_info)

    def __repr__(self) -> str:
        return "<numpy.errstate>"


def _pick(module: ModuleType, names: Iterable[str], shown_as: str) -> dict[str, Any]:
    # Shown as e.g. <function numpy.mean>; the real function is out of reach.
    # getattr on the real module: a name missing from this numpy version is simply left out.
    return {
        name: seal(getattr(module, name), f"{shown_as}.{name}")
        for name in names
        if hasattr(module, name)
    }


NUMPY_NAMES = """
pi e inf nan newaxis euler_gamma float64 float32 float16 int64 int32 int16 int8 uint8
uint16 uint32 uint64 intp bool_ bool complex128 complex64 integer floating number dtype
issubdtype finfo iinfo array asarray asanyarray zeros ones full empty zeros_like ones_like
full_like empty_like arange linspace logspace geomspace eye identity diag diagonal
diagflat meshgrid copy stack vstack hstack dstack concatenate column_stack tile repeat tri
triu tril atleast_1d atleast_2d atleast_3d reshape transpose ravel squeeze expand_dims
swapaxes moveaxis flip fliplr flipud roll split array_split broadcast_to broadcast_arrays
shape ndim size add subtract multiply divide true_divide floor_divide power float_power
mod fmod remainder negative positive abs absolute sign sqrt cbrt square exp exp2 expm1 log
log2 log10 log1p logaddexp logaddexp2 sin cos tan arcsin arccos arctan arctan2 sinh cosh
tanh arcsinh arccosh arctanh deg2rad rad2deg degrees radians hypot maximum minimum fmax
fmin clip floor ceil round around rint trunc fix isnan isinf isfinite isposinf isneginf
nan_to_num reciprocal heaviside sum mean std var min max amin amax argmin argmax prod
cumsum cumprod median percentile quantile average any all count_nonzero nansum nanmean
nanstd nanvar nanmax nanmin nanargmax nanargmin nanmedian ptp dot matmul vdot inner outer
tensordot einsum cross trace kron where select piecewise equal not_equal less less_equal
greater greater_equal logical_and logical_or logical_not logical_xor allclose isclose
array_equal array_equiv nonzero flatnonzero argwhere argsort sort lexsort unique
searchsorted isin intersect1d union1d setdiff1d diff ediff1d convolve correlate histogram
bincount digitize interp polyfit polyval cov corrcoef errstate seterr geterr take put
""".split()

LINALG_NAMES = """
norm inv det slogdet solve pinv eig eigh eigvals eigvalsh svd qr matrix_rank lstsq
cholesky matrix_power multi_dot LinAlgError
""".split()

# The legacy global-state API (np.random.seed / rand / randn) is what most tutorials use.
NUMPY_RANDOM_NAMES = """
seed rand randn randint random random_sample normal uniform standard_normal choice shuffle
permutation binomial poisson exponential beta gamma default_rng
""".split()

MATH_NAMES = [name for name in dir(math) if not name.startswith("_")]

RANDOM_NAMES = """
random randint randrange uniform gauss normalvariate lognormvariate expovariate
betavariate gammavariate triangular choice choices shuffle sample seed getrandbits
""".split()

STATISTICS_NAMES = """
mean fmean median median_low median_high median_grouped mode multimode geometric_mean
harmonic_mean stdev pstdev variance pvariance quantiles correlation covariance
linear_regression NormalDist StatisticsError
""".split()


def _facade(module: ModuleType, names: Iterable[str], **extra: Any) -> Facade:
    attrs = _pick(module, names, module.__name__)
    attrs.update(extra)
    return Facade(module.__name__, attrs, withheld=dir(module))


def build_facades() -> dict[str, Facade]:
    """Map of importable module name -> facade. Built once in the zygote."""
    linalg = _facade(np.linalg, LINALG_NAMES)
    np_random = _facade(np.random, NUMPY_RANDOM_NAMES)
    numpy_facade = _facade(
        np,
        NUMPY_NAMES,
        linalg=linalg,
        random=np_random,
        ndarray=stand_in(np.ndarray),
        errstate=ErrorState,
    )
    return {
        "numpy": numpy_facade,
        "numpy.linalg": linalg,
        "numpy.random": np_random,
        "math": _facade(math, MATH_NAMES),
        "random": _facade(random, RANDOM_NAMES),
        "statistics": _facade(statistics, STATISTICS_NAMES),
    }


ALLOWED_IMPORTS = ("numpy", "math", "random", "statistics")
