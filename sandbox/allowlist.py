"""Which attributes learner code may read, per type: the policy's default-deny table.

Every object a learner can hold has its type listed here with the attribute names it may
read, often none. A name that is not listed is refused, whatever it is called: the next
route to the interpreter will use a name nobody thought to block (`func_globals` had no
underscore). A type that is not listed at all is refused everything, and the reachability
test (tests/test_sandbox_reachability.py) fails if learner code can reach one.

The learner's own classes and their instances are not in this table: sandbox.guards lets
learners read what they defined themselves.

To let lessons use one more method, add its name to the set of its type below, check that
what it returns is a type listed here, and run the reachability test.
"""

from __future__ import annotations

import statistics
import types
from typing import Any

import numpy as np

from sandbox.facades import ErrorState, Facade
from sandbox.sealed import SealedCallable, SealedPrint, TypeStandIn


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


NONE: frozenset[str] = frozenset()

# ndarray and numpy scalars. Left out on purpose: view, data, ctypes, base, dump(s),
# tofile, tobytes, getfield, setfield, setflags, flags, resize, byteswap, device: raw
# memory, pickles, files, or another object's buffer.
NDARRAY = _names(
    """
    T mT shape ndim size dtype itemsize nbytes strides real imag flat
    all any argmax argmin argpartition argsort astype choose clip compress conj conjugate
    copy cumprod cumsum diagonal dot fill flatten item max mean min nonzero partition prod
    put ravel repeat reshape round searchsorted sort squeeze std sum swapaxes take tolist
    trace transpose var
    """
)
NUMPY_SCALAR = NDARRAY | _names("is_integer as_integer_ratio bit_count")
DTYPE = _names(
    "name kind char itemsize str type shape ndim names byteorder hasobject isnative num "
    "alignment subdtype descr isbuiltin"
)
FLATITER = _names("copy index coords")
GENERATOR = _names(
    """
    beta binomial bytes chisquare choice dirichlet exponential f gamma geometric gumbel
    hypergeometric integers laplace logistic lognormal logseries multinomial
    multivariate_hypergeometric multivariate_normal negative_binomial noncentral_chisquare
    noncentral_f normal pareto permutation permuted poisson power random rayleigh shuffle
    standard_cauchy standard_exponential standard_gamma standard_normal standard_t
    triangular uniform vonmises wald weibull zipf
    """
)
FINFO = _names(
    "bits dtype eps epsneg max min precision resolution smallest_normal smallest_subnormal tiny"
)
IINFO = _names("bits dtype kind max min")
NORMAL_DIST = _names(
    "cdf inv_cdf mean median mode overlap pdf quantiles samples stdev variance zscore"
)

# Plain values and containers: their public methods (str.format is made safe in guards).
INT = _names(
    "real imag numerator denominator conjugate bit_length bit_count to_bytes "
    "as_integer_ratio is_integer"
)
FLOAT = _names("real imag conjugate is_integer as_integer_ratio hex")
COMPLEX = _names("real imag conjugate")
STR = _names(
    """
    capitalize casefold center count encode endswith expandtabs find format format_map
    index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric
    isprintable isspace istitle isupper join ljust lower lstrip maketrans partition
    removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split
    splitlines startswith strip swapcase title translate upper zfill
    """
)
BYTES = _names(
    "count decode endswith find hex index join lower lstrip replace rstrip split "
    "startswith strip upper"
)
BYTEARRAY = BYTES | _names("append clear copy extend insert pop remove reverse")
LIST = _names("append clear copy count extend index insert pop remove reverse sort")
TUPLE = _names("count index")
DICT = _names("clear copy get items keys pop popitem setdefault update values")
FROZENSET = _names(
    "copy difference intersection isdisjoint issubset issuperset symmetric_difference union"
)
SET = FROZENSET | _names(
    "add clear discard pop remove update difference_update intersection_update "
    "symmetric_difference_update"
)
RANGE = _names("start stop step count index")
SLICE = _names("start stop step indices")
EXCEPTION = _names("args")
GENERATOR_OBJECT = _names("send throw close")
PROPERTY = _names("getter setter deleter")


def _iterator_types() -> set[type]:
    samples: list[Any] = [
        [], (), {}, {}.keys(), {}.values(), {}.items(), set(), "", "é", b"", bytearray(),
        range(1), range(2**64), np.zeros(1),
    ]  # fmt: skip
    found = {type(iter(sample)) for sample in samples}
    reversible: list[Any] = [[], {}, range(1)]
    found |= {type(reversed(sample)) for sample in reversible}
    return found


# Attributes readable on instances, by exact type.
_INSTANCES: dict[type, frozenset[str]] = {
    np.ndarray: NDARRAY,
    np.flatiter: FLATITER,
    np.random.Generator: GENERATOR,
    np.finfo: FINFO,
    np.iinfo: IINFO,
    ErrorState: NONE,
    statistics.NormalDist: NORMAL_DIST,
    bool: INT,
    int: INT,
    float: FLOAT,
    complex: COMPLEX,
    str: STR,
    bytes: BYTES,
    bytearray: BYTEARRAY,
    list: LIST,
    tuple: TUPLE,
    dict: DICT,
    set: SET,
    frozenset: FROZENSET,
    range: RANGE,
    slice: SLICE,
    type({}.keys()): _names("isdisjoint"),
    type({}.items()): _names("isdisjoint"),
    type({}.values()): NONE,
    types.GeneratorType: GENERATOR_OBJECT,
    property: PROPERTY,
    # Values and callables learners may hold, pass around and call, but not look into.
    type(None): NONE,
    type(NotImplemented): NONE,
    type(Ellipsis): NONE,
    object: NONE,
    types.FunctionType: NONE,
    types.MethodType: NONE,
    types.BuiltinFunctionType: NONE,
    types.MethodWrapperType: NONE,
    types.MethodDescriptorType: NONE,
    types.ClassMethodDescriptorType: NONE,
    types.WrapperDescriptorType: NONE,
    types.GetSetDescriptorType: NONE,
    types.MemberDescriptorType: NONE,
    staticmethod: NONE,
    classmethod: NONE,
    super: NONE,
    enumerate: NONE,
    zip: NONE,
    map: NONE,
    filter: NONE,
    reversed: NONE,
    SealedCallable: NONE,
    SealedPrint: NONE,
    TypeStandIn: NONE,
    **{iterator: NONE for iterator in _iterator_types()},
}

# The exact-type table, for the guards' fast path (read-only by convention). `super` is
# left out: the guards let a learner's own super() through, and no other.
EXACT_INSTANCES: dict[type, frozenset[str]] = {
    kind: names for kind, names in _INSTANCES.items() if kind is not super
}

# Attributes readable on classes themselves, by exact class: the unbound methods and
# alternative constructors of plain types. Every other class a learner can hold (numpy's
# scalar types, dtype, exceptions, ...) is listed with nothing to read.
_CLASSES: dict[type, frozenset[str]] = {
    str: STR,
    bytes: BYTES | _names("fromhex"),
    int: (INT - _names("real imag numerator denominator")) | _names("from_bytes"),
    bool: NONE,
    float: (FLOAT - _names("real imag")) | _names("fromhex"),
    complex: _names("conjugate"),
    list: LIST,
    tuple: TUPLE,
    dict: DICT | _names("fromkeys"),
    set: SET,
    frozenset: FROZENSET,
    statistics.NormalDist: _names("from_samples"),
    **{
        cls: NONE
        for cls in (
            object, type(None), range, slice, enumerate, zip, map, filter, reversed,
            property, staticmethod, classmethod, super, np.dtype, ErrorState, np.finfo,
            np.iinfo,
        )
    },
}  # fmt: skip

# Families: every (non-learner) subclass of these bases. Learner classes can't derive from
# numpy's types, and the learner's own exception classes are handled in sandbox.guards.
_PYTHON_BASES = (float, complex, str, bytes)


def _family(cls: type) -> frozenset[str] | None:
    if issubclass(cls, np.generic):  # np.float64, np.int64, np.bool_, np.str_, ...
        names = NUMPY_SCALAR
        for base in _PYTHON_BASES:
            if issubclass(cls, base):
                names = names | _INSTANCES[base]
        return names
    if issubclass(cls, np.dtype):  # np.dtype('float64') is a numpy.dtypes.Float64DType
        return DTYPE
    if issubclass(cls, BaseException):
        return EXCEPTION
    if _is_named_result(cls):  # np.linalg.eig(...).eigenvalues, linear_regression().slope
        return TUPLE | frozenset(cls._fields)  # type: ignore[attr-defined]
    return None


def _is_named_result(cls: type) -> bool:
    return (
        issubclass(cls, tuple)
        and isinstance(getattr(cls, "_fields", None), tuple)
        and cls.__module__.split(".")[0] in ("numpy", "statistics")
    )


_instance_cache: dict[type, frozenset[str] | None] = {}


def instance_attributes(cls: type) -> frozenset[str] | None:
    """Names readable on instances of `cls`; None when the type is not listed at all."""
    try:
        return _instance_cache[cls]
    except KeyError:
        pass
    names = _INSTANCES.get(cls)
    if names is None:
        names = _family(cls)
    _instance_cache[cls] = names
    return names


def class_attributes(cls: type) -> frozenset[str] | None:
    """Names readable on the class object `cls` itself; None when it is not listed."""
    names = _CLASSES.get(cls)
    if names is None and (
        issubclass(cls, (np.generic, np.dtype, BaseException)) or _is_named_result(cls)
    ):
        return NONE
    return names


def readable(obj: Any, name: str) -> bool:
    """Whether `obj.name` may be read, for objects that are not the learner's own."""
    if isinstance(obj, Facade):
        return obj.offers(name)
    allowed = class_attributes(obj) if isinstance(obj, type) else instance_attributes(type(obj))
    return allowed is not None and name in allowed


def has_public_api(obj: Any) -> bool:
    """Whether `obj` has any readable attribute (then a missing name is just a typo)."""
    if isinstance(obj, Facade):
        return True
    allowed = class_attributes(obj) if isinstance(obj, type) else instance_attributes(type(obj))
    return bool(allowed)


def is_listed(obj: Any) -> bool:
    """Whether the allowlist knows `obj`'s type (or, for a class, the class itself)."""
    if isinstance(obj, Facade):
        return True
    if isinstance(obj, type):
        return class_attributes(obj) is not None
    return instance_attributes(type(obj)) is not None
