"""The runtime guards RestrictedPython's compiled code calls: attribute, item, write, print.

Everything here runs inside the sandbox child. The rule of thumb: a learner gets values,
never a way to the interpreter's internals (frames, modules, globals, raw memory, files).
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES


class SandboxRestriction(Exception):
    """Raised when learner code asks for something the sandbox does not offer."""


class AttributeRefused(SandboxRestriction, AttributeError):
    """A policy refusal that `except AttributeError` code would also expect."""


class ImportRefused(SandboxRestriction, ImportError):
    """An import outside the allowlist."""


class OutputLimitExceeded(BaseException):
    """Printed output went past the cap. A BaseException so `except Exception` can't hide it."""


# Attribute names that reach frames, tracebacks or code without a leading underscore,
# on top of RestrictedPython's own list. Blocked on every object.
ALWAYS_BLOCKED = frozenset(
    INSPECT_ATTRIBUTES
    | {
        "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "cr_origin",
        "ag_frame", "ag_code", "ag_await", "f_back", "f_globals", "f_locals", "f_builtins",
        "f_code", "f_trace", "tb_frame", "tb_next", "co_code",
    }
)  # fmt: skip

# numpy objects: routes to files, pickles, raw memory and ctypes/cffi interfaces.
NUMPY_BLOCKED = frozenset(
    {
        "tofile", "dump", "dumps", "ctypes", "data", "getfield", "setfield", "view",
        "bit_generator", "cffi", "lock", "state", "setflags",
        # resize(refcheck=False) frees memory that existing views still point at
        "resize",
    }
)  # fmt: skip

# A failed lookup's exception holds the object it was made on (AttributeError.obj).
EXCEPTION_BLOCKED = frozenset({"obj", "name_from", "with_traceback"})

# Classes: the method resolution order leads to `object` and from there to everything.
TYPE_BLOCKED = frozenset({"mro"})


def is_blocked(obj: Any, name: str) -> bool:
    if name.startswith("_") or name in ALWAYS_BLOCKED:
        return True
    if name in NUMPY_BLOCKED and type(obj).__module__.startswith("numpy"):
        return True
    if name in EXCEPTION_BLOCKED and isinstance(obj, BaseException):
        return True
    return name in TYPE_BLOCKED and isinstance(obj, type)


def _refuse_attribute(obj: Any, name: str) -> AttributeRefused:
    if name.startswith("_"):
        return AttributeRefused(f'attribute names starting with "_" are not allowed ("{name}")')
    return AttributeRefused(f'"{name}" of {_type_name(obj)} is not available in the sandbox')


def guarded_getattr(obj: Any, name: Any, *default: Any) -> Any:
    """`obj.name` in learner code, and the `getattr` builtin learners get."""
    if type(name) is not str:
        raise TypeError("attribute name must be a string")
    if is_blocked(obj, name):
        if default:
            return default[0]
        raise _refuse_attribute(obj, name)
    if name in ("format", "format_map") and (
        isinstance(obj, str) or (isinstance(obj, type) and issubclass(obj, str))
    ):
        return _safe_format_method(obj, name)
    try:
        return getattr(obj, name)
    except AttributeError as exc:
        if default:
            return default[0]
        # A fresh error: the original may carry `.obj`, a reference to a real object.
        message = (
            str(exc)
            if type(obj).__name__ == "Facade"
            else f'{_type_name(obj)} has no attribute "{name}"'
        )
        raise AttributeError(message) from None


def guarded_hasattr(obj: Any, name: Any) -> bool:
    marker = object()
    return guarded_getattr(obj, name, marker) is not marker


def guarded_getitem(obj: Any, index: Any) -> Any:
    return obj[index]


class _FieldSafeFormatter(string.Formatter):
    """str.format without attribute or index lookups inside the braces ({0.__class__})."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if "." in field_name or "[" in field_name:
            raise SandboxRestriction(
                "format fields can't look up attributes or items; "
                "compute the value first, or use an f-string"
            )
        return super().get_field(field_name, args, kwargs)


_FORMATTER = _FieldSafeFormatter()


def _safe_format_method(obj: Any, name: str) -> Callable[..., str]:
    if isinstance(obj, type):  # str.format(template, ...)

        def unbound(template: str, *args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                return _FORMATTER.vformat(template, (), args[0])
            return _FORMATTER.vformat(template, args, kwargs)

        return unbound

    def bound(*args: Any, **kwargs: Any) -> str:
        if name == "format_map":
            return _FORMATTER.vformat(obj, (), args[0])
        return _FORMATTER.vformat(obj, args, kwargs)

    return bound


class _WriteOnlyItems:
    """What `_write_` hands back for arrays: item assignment yes, attribute assignment no."""

    __slots__ = ("_target",)
    _target: Any

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._target[key]

    def __setattr__(self, name: str, value: Any) -> None:
        raise SandboxRestriction(f'can\'t set "{name}" on {_type_name(self._target)}')

    def __delattr__(self, name: str) -> None:
        raise SandboxRestriction(f'can\'t delete "{name}" on {_type_name(self._target)}')


class Writes:
    """The `_write_` guard: learners may change their own objects, not ours."""

    def __init__(self) -> None:
        self.learner_classes: set[type] = set()

    def __call__(self, obj: Any) -> Any:
        if type(obj) in (list, dict, set, bytearray) or type(obj) in self.learner_classes:
            return obj
        return _WriteOnlyItems(obj)


def make_metaclass(writes: Writes) -> Callable[..., type]:
    """`class X(...)` in learner code: plain classes built from plain bases only.

    Bases are restricted so a learner can't subclass numpy or builtin types and slip
    overridden special methods into our code (JSON encoding, printing).
    """

    def metaclass(name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
        for base in bases:
            if (
                base not in writes.learner_classes
                and base is not object
                and not (isinstance(base, type) and issubclass(base, Exception))
            ):
                raise SandboxRestriction(
                    f"class {name} can only inherit from your own classes or exceptions"
                )
        cls = type(name, bases, namespace)
        writes.learner_classes.add(cls)
        return cls

    return metaclass


_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "@=": operator.imatmul,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "^=": operator.ixor,
    "|=": operator.ior,
}


def inplacevar(op: str, target: Any, value: Any) -> Any:
    return _INPLACE_OPERATORS[op](target, value)


def apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class CappedOutput:
    """Collects what learner code prints, up to a byte and line cap."""

    def __init__(self, max_bytes: int, max_lines: int) -> None:
        self.max_bytes = max_bytes
        self.max_lines = max_lines
        self.parts: list[str] = []
        self.size = 0
        self.lines = 0
        self.exceeded = False

    def write(self, text: str) -> None:
        if self.exceeded:
            raise OutputLimitExceeded
        encoded = len(text.encode("utf-8", "replace"))
        new_lines = text.count("\n")
        if self.size + encoded > self.max_bytes or self.lines + new_lines > self.max_lines:
            # Keep what still fits, by bytes and by lines, so the learner sees where it stopped.
            kept = text.encode("utf-8", "replace")[: max(0, self.max_bytes - self.size)]
            kept_text = kept.decode("utf-8", "ignore")
            lines_left = max(0, self.max_lines - self.lines)
            self.parts.append("".join(kept_text.splitlines(keepends=True)[:lines_left]))
            self.exceeded = True
            raise OutputLimitExceeded
        self.parts.append(text)
        self.size += encoded
        self.lines += new_lines

    def text(self) -> str:
        return "".join(self.parts)

    def printer(self, _getattr_: Any = None) -> _Printer:
        """RestrictedPython calls `_print_(_getattr_)` once per scope that prints."""
        return _Printer(self)


class _Printer:
    __slots__ = ("_out",)

    def __init__(self, out: CappedOutput) -> None:
        self._out = out

    def _call_print(self, *objects: Any, sep: Any = " ", end: Any = "\n", file: Any = None,
                    flush: bool = False) -> None:  # fmt: skip
        if file is not None:
            raise SandboxRestriction("print(file=...) is not available; print to the output")
        sep = " " if sep is None else str(sep)
        end = "\n" if end is None else str(end)
        self._out.write(sep.join(str(o) for o in objects) + end)

    def __call__(self) -> str:
        return self._out.text()


def guarded_iter(obj: Any) -> Any:
    return iter(obj)


def iter_unpack_sequence(it: Any, spec: Any, getiter: Any) -> Iterable[Any]:
    return guarded_iter_unpack_sequence(it, spec, getiter)


def unpack_sequence(it: Any, spec: Any, getiter: Any) -> Any:
    return guarded_unpack_sequence(it, spec, getiter)


def _type_name(obj: Any) -> str:
    if isinstance(obj, np.ndarray):
        return "array"
    return f'"{type(obj).__name__}" object'
