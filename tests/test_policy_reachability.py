"""Everything learner code can reach, walked through the real guards: nothing dangerous.

A new NumPy or RestrictedPython release could add an attribute, a return type or a route
that nobody has listed. This walk starts where a learner starts and follows every edge the
guards allow, several levels deep:

- roots: every builtin a learner can name, every facade and everything it exports, the
  `print` learners hold, the lesson-style presets, and the values a sample learner program
  makes (its classes, instances, `super()` proxies, generators, caught refusals);
- edges: every attribute name the object or its type lists in `dir()`, plus names known to
  lead to internals (`func_globals`, `f_globals`, `__self__`, ...), read through the
  guard's `getattr`; items and hostile `_` keys through the guard's `getitem`; and calls of
  every callable on small sample inputs;
- each object reached must not be a module, frame, traceback, code object, a function
  carrying globals other than the learner's own, a builtins or globals dict, a memoryview,
  a file- or socket-like object, or of a type the allowlist does not list.

An edge (the parent's type, attribute/key/call, the child's type) is followed further the
first time it is seen, so the walk covers the type graph without exploding.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import socket
import types
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from sandbox import allowlist
from sandbox.facades import Facade, build_facades
from sandbox.guards import CappedOutput, LearnerGuards
from sandbox.policy import compile_learner_code, learner_namespace
from sandbox.refusals import SandboxRestriction
from sandbox.sealed import SealedCallable, SealedPrint

MAX_DEPTH = 5  # edges from a root
CALL_DEPTH = 3  # callables reached this close to a root are called on sample inputs

SAMPLE_PROGRAM = """
import numpy as np
import math, random, statistics
class Base:
    count = 0
    def __init__(self, v):
        self.v = v
    def hello(self):
        return self.v
    @property
    def prop(self):
        return self.v
    @staticmethod
    def static():
        return 1
class Child(Base):
    def up(self):
        return super()
class Err(ValueError):
    pass
obj = Child(np.zeros(2))
sup = obj.up()
explicit_super = super(Child, obj)
gen = (i for i in range(3))
def genf():
    yield 1
g2 = genf()
lam = lambda q: q
err = Err("x", 1)
try:
    getattr(1, "_x")
except AttributeError as e:
    refusal = e
try:
    np.zeros(2).view
except AttributeError as e:
    refusal2 = e
try:
    1 / 0
except ZeroDivisionError as e:
    zde = e
try:
    np.zeros(10 ** 13)
except MemoryError as e:
    too_big = e
try:
    np.linalg.inv(np.zeros((2, 2)))
except Exception as e:
    singular = e
held_print = print
rng = np.random.default_rng(0)
kinds = [type(1), type(np.zeros(2)), type(np.float64(1)), type(refusal), type(rng), type(print)]
objects = np.array([obj, print, np], dtype=object)
strings = np.array(["a{0}"])
eig = np.linalg.eig(np.eye(2))
dist = statistics.NormalDist(0, 1)
reg = statistics.linear_regression([1, 2, 3], [1, 2, 4])
views = [{}.keys(), {}.values(), {}.items(), iter([]), reversed([1]), enumerate([]), zip()]
info = [np.finfo(np.float64), np.iinfo(np.int32), np.dtype("float32"), np.errstate()]
flat = np.zeros((2, 2)).flat
"""

PRESET = {
    "x": np.array([1.0, 2.0, 3.0]),
    "y": np.array([2.0, 4.0, 6.0]),
    "W1": np.ones((3, 2)),
    "w": 0.5,
    "lr": 0.1,
    "names": ["a", "b"],
    "config": {"epochs": 3, "nested": {"k": [1, 2]}},
}

# Names that lead to internals on some type, whether or not dir() lists them.
INTERNAL_NAMES = (
    "func_globals", "func_code", "func_closure", "func_dict", "f_globals", "f_back",
    "f_locals", "f_builtins", "f_code", "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame",
    "ag_frame", "tb_frame", "tb_next", "co_code", "__globals__", "__builtins__", "__self__",
    "__func__", "__class__", "__dict__", "__wrapped__", "__closure__", "__code__",
    "__module__", "__objclass__", "__thisclass__", "__self_class__", "__traceback__",
    "__context__", "__cause__", "__subclasses__", "__mro__", "__bases__", "__base__",
    "__loader__", "__spec__", "__init__", "__getattribute__", "obj", "with_traceback",
    "bit_generator", "base", "data", "ctypes", "mapping", "fget", "fset", "fdel", "view",
    "dumps", "mro", "_out", "_sealed_call", "_sealed_write", "_cls", "_facade_attrs",
    "_target", "state", "lock", "capsule", "cffi", "gi_running", "ag_await", "cr_await",
)  # fmt: skip

HOSTILE_KEYS = ("__builtins__", "__import__", "__name__", "_x")


def sample_arguments() -> list[tuple[Any, ...]]:
    """Fresh small inputs for every call (calls may change their arguments)."""
    return [
        (),
        (2,),
        (0.5,),
        (np.array([[1.0, 2.0], [3.0, 4.0]]),),
        (np.array([1.0, -2.0]), np.array([3.0, 4.0])),
        (np.array([1, 0, 2]), 0),
        ([1.0, 2.0],),
        ("ab",),
        ({"k": 1},),
        (2, 3),
        (b"ab",),
    ]


@dataclass
class Walk:
    guards: LearnerGuards
    namespace: dict[str, Any]
    max_depth: int = MAX_DEPTH
    call_depth: int = CALL_DEPTH
    reached: int = 0
    calls: int = 0
    problems: list[str] = field(default_factory=list)
    _seen_ids: set[int] = field(default_factory=set)
    _keep_alive: list[Any] = field(default_factory=list)
    _edges: set[tuple[Any, ...]] = field(default_factory=set)

    def run(self, roots: dict[str, Any]) -> None:
        queue: deque[tuple[Any, str, int]] = deque((v, k, 0) for k, v in roots.items())
        while queue:
            obj, path, depth = queue.popleft()
            for child, child_path, edge in self._children(obj, path, depth):
                self._check(child, child_path)
                signature = (edge, _kind_of(child))
                if depth + 1 < self.max_depth and signature not in self._edges:
                    self._edges.add(signature)
                    queue.append((child, child_path, depth + 1))

    def check_roots(self, roots: dict[str, Any]) -> None:
        for path, obj in roots.items():
            self._check(obj, path)

    # -- edges -------------------------------------------------------------------------------

    def _children(self, obj: Any, path: str, depth: int) -> Iterator[tuple[Any, str, Any]]:
        kind = _kind_of(obj)
        for name in sorted(_candidate_names(obj)):
            try:
                value = self.guards.getattr(obj, name)
            except BaseException:  # refused, or absent: not an edge
                continue
            yield value, f"{path}.{name}", (kind, "attr", name)
        for key in _candidate_keys(obj):
            try:
                value = self.guards.getitem(obj, key)
            except BaseException:
                continue
            yield value, f"{path}[{key!r}]", (kind, "item", _key_kind(key))
        if callable(obj) and depth < self.call_depth and not _is_learner_class(self, obj):
            for args in sample_arguments():
                label = ", ".join(type(a).__name__ for a in args)
                self.calls += 1
                try:
                    value = obj(*args)
                except BaseException:
                    continue
                yield value, f"{path}({label})", (_callable_key(obj), "call", label)

    # -- the checks ----------------------------------------------------------------------------

    def _check(self, obj: Any, path: str) -> None:
        if id(obj) in self._seen_ids:
            return
        self._seen_ids.add(id(obj))
        self._keep_alive.append(obj)
        self.reached += 1
        problem = self._problem(obj)
        if problem:
            self.problems.append(f"{path}: {problem} ({type(obj).__name__})")

    def _problem(self, obj: Any) -> str | None:
        # By type(obj), never obj.__class__: a hostile object could answer anything.
        kind = type(obj)
        if issubclass(kind, types.ModuleType):
            return "a module"
        if issubclass(kind, (types.FrameType, types.TracebackType)):
            return "a frame or traceback"
        if issubclass(kind, types.CodeType):
            return "a code object"
        if issubclass(kind, memoryview):
            return "a memoryview"
        if issubclass(kind, dict) and (
            obj is vars(builtins) or "__import__" in obj or "__builtins__" in obj
        ):
            return "a builtins or globals dict"
        if _is_file_like(obj):
            return "a file- or socket-like object"
        globals_ = _globals_of(obj)
        if globals_ is not None and globals_ is not self.namespace:
            return "a function carrying globals that aren't the learner's"
        if _is_learner_own(self, obj):
            return None
        if not allowlist.is_listed(obj):
            return "a type the allowlist does not list"
        return None


def _kind_of(obj: Any) -> Any:
    return obj if isinstance(obj, type) else type(obj)


def _key_kind(key: Any) -> Any:
    return key if isinstance(key, str) else type(key)


def _callable_key(obj: Any) -> Any:
    if isinstance(obj, SealedCallable):
        return ("sealed", repr(obj))
    owner = getattr(obj, "__self__", None)  # a bound method: per owner type and name
    if owner is not None and not isinstance(owner, types.ModuleType):
        return ("method", type(owner), getattr(obj, "__name__", "?"))
    return ("callable", repr(obj) if isinstance(obj, type) else type(obj))


def _candidate_names(obj: Any) -> set[str]:
    names = set(INTERNAL_NAMES)
    for source in (obj, type(obj)):
        with contextlib.suppress(Exception):  # a hostile __dir__ may raise
            names.update(dir(source))
    return names


def _candidate_keys(obj: Any) -> list[Any]:
    keys: list[Any] = list(HOSTILE_KEYS)
    if isinstance(obj, dict):
        keys += list(obj)[:20]
    elif isinstance(obj, (list, tuple, str, bytes, np.ndarray, range)):
        keys += [0, 1, -1]
        if isinstance(obj, np.ndarray) and obj.ndim > 1:
            keys.append((0,) * obj.ndim)
    return keys


def _globals_of(obj: Any) -> Any:
    if isinstance(obj, type):
        return None
    for name in ("__globals__", "func_globals"):
        try:
            found = object.__getattribute__(obj, name)
        except Exception:
            try:
                found = getattr(type(obj), name)
                if not isinstance(found, dict):
                    continue
            except Exception:
                continue
        if isinstance(found, dict):
            return found
    if isinstance(obj, types.MethodType):
        return _globals_of(obj.__func__)
    return None


def _is_file_like(obj: Any) -> bool:
    kind = type(obj)
    if issubclass(kind, (io.IOBase, socket.socket)):
        return True
    if any(hasattr(kind, name) for name in ("fileno", "recv", "sendall", "readline")):
        return True
    return hasattr(kind, "read") and hasattr(kind, "write")


def _is_learner_class(walk: Walk, obj: Any) -> bool:
    return isinstance(obj, type) and obj in walk.guards.learner_classes


def _is_learner_own(walk: Walk, obj: Any) -> bool:
    own = walk.guards.learner_classes
    if _is_learner_class(walk, obj) or type(obj) in own:
        return True
    return type(obj) is super and getattr(obj, "__thisclass__", None) in own


def learner_world() -> tuple[LearnerGuards, dict[str, Any], dict[str, Any]]:
    """A real learner namespace after the sample program ran, and the roots it offers."""
    facades = build_facades()
    output = CappedOutput(1_000_000, 100_000)
    namespace = learner_namespace(facades, output, PRESET)
    guards = _guards_of(namespace)
    code = compile_learner_code(SAMPLE_PROGRAM)
    assert isinstance(code, types.CodeType), code
    exec(code, namespace)
    roots: dict[str, Any] = {}
    for name, value in namespace["__builtins__"].items():
        if not name.startswith("_"):
            roots[f"builtins.{name}"] = value
    for module, facade in facades.items():
        roots[f"import {module}"] = facade
        for name in facade.names():
            roots[f"{module}.{name}"] = getattr(facade, name)
    for name, value in namespace.items():
        if not name.startswith("_") and name not in roots:
            roots[name] = value
    roots["print"] = output.printer()._call_print
    return guards, namespace, roots


def _guards_of(namespace: dict[str, Any]) -> LearnerGuards:
    guard: Callable[..., Any] = namespace["_getattr_"]
    owner = guard.__self__  # type: ignore[attr-defined]
    assert isinstance(owner, LearnerGuards)
    return owner


@pytest.mark.filterwarnings("ignore")  # numpy's warnings about odd sample inputs
def test_nothing_dangerous_is_reachable_from_learner_code() -> None:
    guards, namespace, roots = learner_world()
    walk = Walk(guards, namespace)
    walk.check_roots(roots)
    walk.run(roots)
    print(f"reachability: {walk.reached} objects reached, {walk.calls} calls tried")
    assert walk.reached > 5_000, walk.reached  # the walk really went somewhere
    assert not walk.problems, "\n".join(walk.problems[:50])


@pytest.mark.filterwarnings("ignore")
def test_the_walk_finds_a_route_when_a_guard_is_opened() -> None:
    """The walk itself is sound: with the allowlist opened, it finds the old routes."""
    guards, namespace, roots = learner_world()
    opened = {"default_rng": roots["numpy.random.default_rng"]._sealed_call}
    # Two levels and no calls: behind an opened guard, a call could be os.remove.
    walk = Walk(guards, namespace, max_depth=2, call_depth=0)
    original = guards.may_read
    guards.may_read = lambda obj, name: not name.startswith("_") or name == "__self__"  # type: ignore[method-assign]
    try:
        walk.run(opened)
    finally:
        guards.may_read = original  # type: ignore[method-assign]
    found = "\n".join(walk.problems)
    assert "func_globals: a builtins or globals dict" in found, found
    assert "a module" in found, found


def test_learner_objects_and_refusals_are_in_the_roots() -> None:
    guards, _, roots = learner_world()
    assert {"obj", "sup", "explicit_super", "refusal", "err", "held_print"} <= set(roots)
    assert isinstance(roots["refusal"], SandboxRestriction)
    assert isinstance(roots["held_print"], SealedPrint)
    assert type(roots["sup"]) is super and isinstance(roots["import numpy"], Facade)
    assert len(guards.learner_classes) == 3
