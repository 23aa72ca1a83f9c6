"""Stand-ins the policy hands to learner code in place of real callables and classes.

A real function, builtin or class carries a way back to the interpreter: a Python
function its `__globals__`, a Cython function `func_globals`, a bound method its
`__self__`. A sealed callable can be called and printed, and has nothing else to read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sandbox.refusals import SandboxRestriction


class SealedCallable:
    """A callable with no attributes: calling it calls the real one."""

    __slots__ = ("_sealed_call", "_sealed_name")
    _sealed_call: Callable[..., Any]
    _sealed_name: str

    def __init__(self, call: Callable[..., Any], name: str) -> None:
        object.__setattr__(self, "_sealed_call", call)
        object.__setattr__(self, "_sealed_name", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sealed_call(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<function {self._sealed_name}>"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("read-only")


class SealedPrint:
    """The `print` learners hold: writes to the run's captured output, nothing to read.

    Not a SealedCallable around a bound method: print is called in tight loops, and one
    frame less per call matters there."""

    __slots__ = ("_sealed_write",)
    _sealed_write: Callable[[str], None]

    def __init__(self, write: Callable[[str], None]) -> None:
        object.__setattr__(self, "_sealed_write", write)

    def __call__(self, *objects: Any, sep: Any = " ", end: Any = "\n", file: Any = None,
                 flush: bool = False) -> None:  # fmt: skip
        if file is not None:
            raise SandboxRestriction("print(file=...) is not available; print to the output")
        sep = " " if sep is None else str(sep)
        end = "\n" if end is None else str(end)
        self._sealed_write(sep.join([str(o) for o in objects]) + end)

    def __repr__(self) -> str:
        return "<built-in function print>"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("read-only")


def seal(call: Any, name: str) -> Any:
    """Seal anything callable that is not a class; classes go through the type allowlist."""
    if callable(call) and not isinstance(call, type):
        return SealedCallable(call, name)
    return call


class TypeStandIn:
    """Stands in for a class learners may inspect but not call, such as `numpy.ndarray`.

    isinstance/issubclass checks, comparisons with the real class and printing work.
    The real class is never handed out: `numpy.ndarray(...)` called directly builds an
    array over any buffer with any dtype, object included, which reads raw memory as
    object pointers.
    """

    __slots__ = ("_cls",)
    _cls: type

    def __init__(self, cls: type) -> None:
        object.__setattr__(self, "_cls", cls)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self._cls)

    def __subclasscheck__(self, cls: Any) -> bool:
        if isinstance(cls, TypeStandIn):
            cls = cls._cls
        return isinstance(cls, type) and issubclass(cls, self._cls)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TypeStandIn):
            return other._cls is self._cls
        return other is self._cls

    def __hash__(self) -> int:
        return hash(self._cls)

    def __repr__(self) -> str:
        return f"<class '{self._cls.__module__}.{self._cls.__qualname__}'>"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("read-only")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._cls is np.ndarray:
            hint = "create arrays with np.array, np.zeros, np.ones or np.arange"
        else:
            hint = "use the functions that return one"
        raise SandboxRestriction(f"{self!r} can't be created directly in the sandbox; {hint}")


_STAND_INS: dict[type, TypeStandIn] = {}


def stand_in(cls: type) -> TypeStandIn:
    if cls not in _STAND_INS:
        _STAND_INS[cls] = TypeStandIn(cls)
    return _STAND_INS[cls]
