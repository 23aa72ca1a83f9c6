"""The runtime guards RestrictedPython's compiled code calls: attribute, item, write, print.

Everything here runs inside the sandbox child. The rule of thumb: a learner gets values,
never a way to the interpreter's internals (frames, modules, globals, raw memory, files).
Reads are default-deny by type (sandbox.allowlist); writes only change the learner's own
objects, or items of arrays.
"""

from __future__ import annotations

import operator
import string
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from sandbox import allowlist
from sandbox.facades import ABSENT, Facade
from sandbox.refusals import (
    AttributeRefused,
    ImportRefused,
    ItemRefused,
    SandboxRestriction,
)
from sandbox.sealed import SealedCallable, SealedPrint, TypeStandIn

__all__ = [
    "AttributeRefused",
    "CappedOutput",
    "ImportRefused",
    "ItemRefused",
    "LearnerGuards",
    "OutputLimitExceeded",
    "SandboxRestriction",
]


class OutputLimitExceeded(BaseException):
    """Printed output went past the cap. A BaseException so `except Exception` can't hide it."""


def refuse_attribute(obj: Any, name: str) -> AttributeRefused:
    if name.startswith("_"):
        return AttributeRefused(f'attribute names starting with "_" are not allowed ("{name}")')
    return AttributeRefused(f'"{name}" of {_type_name(obj)} is not available in the sandbox')


def _refuse_super() -> AttributeRefused:
    return AttributeRefused("super() works only with your own classes")


def _is_own_dict(obj: Any) -> bool:
    """A plain dict that is not a namespace: the learner's own data, any keys allowed."""
    return type(obj) is dict and "__builtins__" not in obj and "__name__" not in obj


def _check_key(obj: Any, key: Any) -> None:
    # Namespaces and other mappings that aren't the learner's own keep their "_" items:
    # a globals dict's "__builtins__" gives eval and __import__.
    if isinstance(key, str) and key.startswith("_") and not _is_own_dict(obj):
        raise ItemRefused(
            f'items named with a leading "_" are not available on {_type_name(obj)} ("{key}")'
        )


_GLOBALS_CARRIERS: dict[type, bool] = {}


def _carries_globals(cls: type) -> bool:
    """Whether values of this type lead to a module's globals (Python and Cython functions
    and the methods bound to them)."""
    try:
        return _GLOBALS_CARRIERS[cls]
    except KeyError:
        pass
    carries = cls in (types.FunctionType, types.MethodType) or any(
        name in vars(klass) for klass in cls.__mro__ for name in ("func_globals", "__globals__")
    )
    _GLOBALS_CARRIERS[cls] = carries
    return carries


def _defined_anywhere(obj: Any, name: str) -> bool:
    """Whether `name` is defined on obj's class (or, for a class, on it or its metaclass),
    found statically: no descriptor or `__getattr__` of a foreign object runs."""
    classes = list(type(obj).__mro__)
    if isinstance(obj, type):
        classes += obj.__mro__
    return any(name in vars(klass) for klass in classes)


def _base_allows(klass: type, name: str) -> bool:
    """Whether instances of a base that isn't the learner's (object, an exception) may
    show `name`: what the allowlist lets instances of that base show."""
    allowed = allowlist.instance_attributes(klass)
    return allowed is not None and name in allowed


def _is_data_descriptor(attribute: Any) -> bool:
    kind = type(attribute)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


class LearnerGuards:
    """The runtime guards of one run: attribute and item reads, writes, `super`, classes.

    Default deny: an object that is not the learner's own may only be read through the
    per-type allowlist (sandbox.allowlist). The learner's own objects are instances of
    classes the learner defined (tracked here, as the metaclass builds them), plus plain
    values and containers, whose public methods the allowlist lists.
    """

    def __init__(self) -> None:
        self.learner_classes: set[type] = set()

    # -- reads ------------------------------------------------------------------------------

    def may_read(self, obj: Any, name: str) -> bool:
        cls = type(obj)
        if cls not in self.learner_classes:
            # The hot path: arrays, scalars, containers (no "_" name is ever listed).
            listed = allowlist.EXACT_INSTANCES.get(cls)
            if listed is not None:
                return name in listed
            if cls is Facade:
                return obj.offers(name)
        if name.startswith("_"):
            return False
        if cls in self.learner_classes:
            return self._own_instance_may_read(obj, name)
        if cls is super:
            return self._super_may_read(obj, name)
        if isinstance(obj, type) and obj in self.learner_classes:
            return self._own_class_may_read(obj, name)
        return allowlist.readable(obj, name)

    def _own_instance_may_read(self, obj: Any, name: str) -> bool:
        for klass in type(obj).__mro__:
            if name in vars(klass):
                if klass in self.learner_classes:
                    return True
                # Found first on a base that isn't the learner's (object, an exception):
                # an instance attribute still wins over a plain method of that base.
                if not _is_data_descriptor(vars(klass)[name]) and name in getattr(
                    obj, "__dict__", {}
                ):
                    return True
                return _base_allows(klass, name)
        return True  # the learner's own instance attribute, or a plain AttributeError

    def _own_class_may_read(self, cls: type, name: str) -> bool:
        for klass in cls.__mro__:
            if name in vars(klass):
                return klass in self.learner_classes
        return not hasattr(type(cls), name)  # `type`'s own methods (mro) are not theirs

    def _super_may_read(self, proxy: Any, name: str) -> bool:
        this = getattr(proxy, "__thisclass__", None)
        owner = getattr(proxy, "__self_class__", None)
        if this not in self.learner_classes or owner not in self.learner_classes:
            raise _refuse_super()
        mro = owner.__mro__
        for klass in mro[mro.index(this) + 1 :]:
            if name in vars(klass):
                if klass in self.learner_classes:
                    return True
                return _base_allows(klass, name)
        return True  # a plain AttributeError

    def getattr(self, obj: Any, name: Any, *default: Any) -> Any:
        """`obj.name` in learner code, and the `getattr` builtin learners get."""
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if type(obj) is Facade:  # np.mean, math.sqrt: already sealed, no "_" names
            value = obj.attribute(name)
            if value is not ABSENT:
                return value
        if not self.may_read(obj, name):
            if default:
                return default[0]
            if isinstance(obj, Facade) and not name.startswith("_"):
                raise obj.missing(name)
            if (
                not name.startswith("_")
                and allowlist.has_public_api(obj)
                and not _defined_anywhere(obj, name)
            ):
                # A typo (`a.shap`) is Python's AttributeError, not a refusal. Objects with
                # nothing to read (functions, methods) refuse every name.
                raise AttributeError(f'{_type_name(obj)} has no attribute "{name}"')
            raise refuse_attribute(obj, name)
        if name in ("format", "format_map") and (
            isinstance(obj, str) or (isinstance(obj, type) and issubclass(obj, str))
        ):
            return _safe_format_method(obj, name)
        try:
            value = getattr(obj, name)
        except AttributeError:
            if default:
                return default[0]
            # A fresh error: the original may carry `.obj`, a reference to a real object.
            raise AttributeError(f'{_type_name(obj)} has no attribute "{name}"') from None
        carries = _GLOBALS_CARRIERS.get(type(value))
        if carries is None:
            carries = _carries_globals(type(value))
        if carries and not self._is_own(obj):
            # A method written in Python or Cython (rng.normal, NormalDist.cdf) reaches its
            # module's globals through __func__/func_globals: hand out a sealed one.
            return SealedCallable(value, name)
        return value

    def _is_own(self, obj: Any) -> bool:
        own = self.learner_classes
        return type(obj) in own or type(obj) is super or (isinstance(obj, type) and obj in own)

    def hasattr(self, obj: Any, name: Any) -> bool:
        marker = object()
        return self.getattr(obj, name, marker) is not marker

    def getitem(self, obj: Any, key: Any) -> Any:
        _check_key(obj, key)
        return obj[key]

    # -- writes -----------------------------------------------------------------------------

    def write(self, obj: Any) -> Any:
        """The `_write_` guard: learners may change their own objects, not ours."""
        cls = type(obj)
        if (
            cls in (list, set, bytearray)
            or (cls is dict and _is_own_dict(obj))
            or cls in self.learner_classes
            or (isinstance(obj, type) and obj in self.learner_classes)
        ):
            return obj
        return _WriteOnlyItems(obj)

    def setattr(self, obj: Any, name: Any, value: Any) -> None:
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if name.startswith("_"):
            raise refuse_attribute(obj, name)
        setattr(self.write(obj), name, value)

    def delattr(self, obj: Any, name: Any) -> None:
        if type(name) is not str:
            raise TypeError("attribute name must be a string")
        if name.startswith("_"):
            raise refuse_attribute(obj, name)
        delattr(self.write(obj), name)

    # -- augmented assignment to items and attributes ---------------------------------------
    # `x[k] += v` compiles to `_inplace_(_inplace_item_(x, k), "+=", v)` (see
    # sandbox.learner_transformer): x and k are evaluated once, then read through the
    # guard, then v, the in-place operation, and the write through the guard.

    def inplace_item(self, obj: Any, key: Any) -> _Target:
        return _Target(obj, key, self.getitem(obj, key), is_item=True)

    def inplace_attr(self, obj: Any, name: str) -> _Target:
        return _Target(obj, name, self.getattr(obj, name), is_item=False)

    def inplace(self, target: _Target, op: str, value: Any) -> None:
        result = inplacevar(op, target.current, value)
        if target.is_item:
            self.write(target.obj)[target.key] = result
        else:
            setattr(self.write(target.obj), target.key, result)

    # -- classes ----------------------------------------------------------------------------

    def metaclass(self, name: str, bases: tuple[Any, ...], namespace: dict[str, Any]) -> type:
        """`class X(...)` in learner code: plain classes built from plain bases only.

        Bases are restricted so a learner can't subclass numpy or builtin types and slip
        overridden special methods into our code (JSON encoding, printing).
        """
        for base in bases:
            if (
                base not in self.learner_classes
                and base is not object
                and not (
                    isinstance(base, type)
                    and issubclass(base, Exception)
                    and not base.__module__.startswith("sandbox")
                )
            ):
                raise SandboxRestriction(
                    f"class {name} can only inherit from your own classes or exceptions"
                )
        cls = type(name, bases, namespace)
        self.learner_classes.add(cls)
        return cls


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


def _safe_format_method(obj: Any, name: str) -> SealedCallable:
    if isinstance(obj, type):  # str.format(template, ...)

        def unbound(template: str, *args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                return _FORMATTER.vformat(template, (), args[0])
            return _FORMATTER.vformat(template, args, kwargs)

        return SealedCallable(unbound, f"str.{name}")

    def bound(*args: Any, **kwargs: Any) -> str:
        if name == "format_map":
            return _FORMATTER.vformat(obj, (), args[0])
        return _FORMATTER.vformat(obj, args, kwargs)

    return SealedCallable(bound, f"str.{name}")


class _WriteOnlyItems:
    """What `_write_` hands back for objects that aren't the learner's own: item assignment
    (arrays) with the same key rule as reads, never attribute assignment."""

    __slots__ = ("_target",)
    _target: Any

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __setitem__(self, key: Any, value: Any) -> None:
        _check_key(self._target, key)
        self._target[key] = value

    def __delitem__(self, key: Any) -> None:
        _check_key(self._target, key)
        del self._target[key]

    def __setattr__(self, name: str, value: Any) -> None:
        raise SandboxRestriction(f'can\'t set "{name}" on {_type_name(self._target)}')

    def __delattr__(self, name: str) -> None:
        raise SandboxRestriction(f'can\'t delete "{name}" on {_type_name(self._target)}')


@dataclass(frozen=True)
class _Target:
    """The target of an augmented assignment, read once: object, key or name, value."""

    obj: Any
    key: Any
    current: Any
    is_item: bool


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
    """RestrictedPython turns `print(...)` into `_print._call_print(...)`, and a learner can
    hold `print` itself: so `_call_print` is sealed, not a bound method of ours."""

    __slots__ = ("_call_print", "_out")

    def __init__(self, out: CappedOutput) -> None:
        self._out = out
        self._call_print = SealedPrint(out.write)

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
    if isinstance(obj, Facade):
        return repr(obj).strip("<>")
    if isinstance(obj, type):
        return f'class "{obj.__name__}"'
    if isinstance(obj, TypeStandIn):
        return f"class {obj!r}".replace("<class ", "").rstrip(">")
    if isinstance(obj, (SealedCallable, SealedPrint)) or type(obj) in _FUNCTION_TYPES:
        return "a function"
    return f'"{type(obj).__name__}" object'


_FUNCTION_TYPES = frozenset(
    {types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.MethodWrapperType}
)
