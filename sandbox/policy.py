"""The policy layer: compile learner code with RestrictedPython and build its namespace.

Runs inside the sandbox child. `compile_learner_code` turns source into a code object or
a precise refusal; `learner_namespace` is the only world that code sees.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import CodeType
from typing import Any, Literal, NoReturn

import numpy as np
from RestrictedPython import compile_restricted_exec, safe_builtins

from sandbox.ast_lock import AST_LOCK
from sandbox.facades import ALLOWED_IMPORTS, Facade
from sandbox.guards import (
    CappedOutput,
    LearnerGuards,
    apply,
    guarded_iter,
    inplacevar,
    iter_unpack_sequence,
    unpack_sequence,
)
from sandbox.learner_transformer import (
    INPLACE,
    INPLACE_ATTR,
    INPLACE_ITEM,
    LearnerTransformer,
)
from sandbox.refusals import ImportRefused, SandboxRestriction
from sandbox.result import Status
from sandbox.sealed import SealedCallable, stand_in

LEARNER_FILENAME = "<learner>"


@dataclass(frozen=True)
class Refusal:
    """Why code can't run: a syntax error (with caret) or a policy rule (in plain words)."""

    kind: Literal[Status.SYNTAX_ERROR, Status.REJECTED]
    type: str
    message: str
    line: int | None = None
    column: int | None = None


def compile_learner_code(source: str) -> CodeType | Refusal:
    try:
        return _compile(source)
    except (RecursionError, MemoryError):
        # CPython's parser and compiler give up on absurd nesting this way.
        return Refusal(
            kind=Status.REJECTED,
            type="TooComplex",
            message="your code is nested too deeply for Python to compile it "
            "(too many brackets, operators or blocks inside each other)",
        )


def _compile(source: str) -> CodeType | Refusal:
    with AST_LOCK:  # the reference solution compiles on worker threads (see ast_lock)
        return _compile_unlocked(source)


def _compile_unlocked(source: str) -> CodeType | Refusal:
    try:
        tree = ast.parse(source, filename=LEARNER_FILENAME)
    except SyntaxError as exc:
        return Refusal(
            kind=Status.SYNTAX_ERROR,
            type=type(exc).__name__,
            message=exc.msg,
            line=exc.lineno,
            column=exc.offset,
        )
    result = compile_restricted_exec(tree, filename=LEARNER_FILENAME, policy=LearnerTransformer)
    if result.errors or result.code is None:
        line, message = _parse_policy_error(result.errors[0] if result.errors else "")
        return Refusal(kind=Status.REJECTED, type="PolicyError", message=message, line=line)
    return result.code


_LINE_PREFIX = re.compile(r"^Line (\d+): (.*)$", re.DOTALL)
_FRIENDLY = (
    (
        re.compile(r'"([^"]+)" is an invalid attribute name because it starts with "_"'),
        'attribute names starting with "_" are not allowed (found "{0}")',
    ),
    (
        re.compile(r'"([^"]+)" is an invalid variable name because it starts with "_"'),
        'names starting with "_" are not allowed (found "{0}")',
    ),
    (
        re.compile(r'"([^"]+)" is a restricted name'),
        '"{0}" reaches the interpreter\'s internals and is not allowed',
    ),
    (re.compile(r"Exec calls are not allowed"), "exec() is not available"),
    (re.compile(r"Eval calls are not allowed"), "eval() is not available"),
)


def _parse_policy_error(raw: str) -> tuple[int | None, str]:
    line = None
    message = raw or "this code is not allowed in the sandbox"
    if (match := _LINE_PREFIX.match(raw)) is not None:
        line, message = int(match.group(1)), match.group(2)
    for pattern, friendly in _FRIENDLY:
        if (found := pattern.search(message)) is not None:
            return line, friendly.format(*found.groups())
    return line, message.rstrip(".")


def _unavailable(name: str, why: str) -> SealedCallable:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise SandboxRestriction(f"{name}() is not available in the sandbox: {why}")

    return SealedCallable(refuse, name)


_UNAVAILABLE = {
    "input": "there is no keyboard here. The lesson's data is already in predefined variables",
    "open": "your code can't read or write files",
    "eval": "write the expression directly",
    "exec": "write the code directly",
    "compile": "write the code directly",
    "globals": "it exposes the sandbox's internals",
    "locals": "it exposes the sandbox's internals",
    "vars": "it exposes the sandbox's internals",
    "dir": "it exposes the sandbox's internals",
    "breakpoint": "there is no debugger here; use print()",
    "help": "see the lesson text, or ask in the channel",
    "exit": "just let your code finish",
    "quit": "just let your code finish",
    "memoryview": "raw memory is off limits",
}


# Classes whose constructors are safe to hand out through type(x).
_CALLABLE_TYPES = frozenset(
    {int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset, range, slice,
     type(None)}
)  # fmt: skip


def make_type(guards: LearnerGuards) -> Callable[[Any], Any]:
    """type(x), one-argument form only: three arguments would build classes with any dunders.

    Learners get the real class for plain values, numpy scalars, exceptions and their own
    classes, and a stand-in for anything else (ndarray, iterators, numpy internals), which
    still compares equal to the real class and works with isinstance. The sandbox's own
    exceptions (refusals, the output limit) are stand-ins too: raising one of them would
    make a run look `rejected` by the policy.
    """

    def learner_type(*args: Any) -> Any:
        if len(args) != 1:
            raise SandboxRestriction(
                "type() takes exactly one argument in the sandbox; define classes with `class`"
            )
        cls = type(args[0])
        if (
            cls in _CALLABLE_TYPES
            or cls in guards.learner_classes
            or issubclass(cls, np.generic)
            or (issubclass(cls, BaseException) and not cls.__module__.startswith("sandbox"))
        ):
            return cls
        return stand_in(cls)

    return learner_type


def make_import(facades: Mapping[str, Facade]) -> Callable[..., Any]:
    real_import = builtins.__import__

    def guarded_import(
        name: str,
        globals: Any = None,
        locals: Any = None,
        fromlist: Iterable[str] | None = (),
        level: int = 0,
    ) -> Any:
        if type(fromlist) is list and name.startswith("numpy"):
            # numpy's C code imports lazily through the current frame's __import__, with a
            # list as fromlist; `import` statements pass None or a tuple, and learner code
            # can't call __import__ itself ("_" names don't compile). So this module goes
            # back to numpy's C code, never to the learner.
            return real_import(name, globals, locals, fromlist, level)
        if level != 0:
            raise ImportRefused("relative imports are not available in the sandbox")
        if name not in facades:
            allowed = ", ".join(ALLOWED_IMPORTS)
            raise ImportRefused(
                f'"{name}" can\'t be imported in the sandbox; you can use {allowed}'
            )
        if not fromlist:  # `import numpy.linalg` binds the top-level name
            return facades[name.split(".")[0]]
        module = facades[name]
        for item in fromlist:
            if item != "*" and item not in module.names():
                raise ImportRefused(f'"{name}.{item}" is not available in the sandbox')
        return module

    return guarded_import


def _shared_builtins() -> dict[str, Any]:
    """The builtins every run shares (no per-run state): built once, copied per run.

    RestrictedPython 9 dropped sorted/tuple/zip/bytes because they iterate in C, past
    `_getiter_`. Our `_getiter_` is plain `iter`: this sandbox guards attributes, imports
    and writes, not iteration, so these builtins give nothing the learner lacks.
    """
    allowed = {name: value for name, value in safe_builtins.items() if name != "_getattr_"}
    for name in (
        "list", "dict", "set", "frozenset", "enumerate", "map", "filter", "min", "max", "sum",
        "any", "all", "iter", "next", "object", "staticmethod", "classmethod",
        "property", "super", "NotImplemented", "StopIteration", "Exception", "ValueError",
        "TypeError", "IndexError", "KeyError", "ZeroDivisionError", "ArithmeticError",
        "AssertionError", "RuntimeError", "NameError", "AttributeError", "ImportError",
        "NotImplementedError", "OverflowError", "RecursionError", "MemoryError",
        "FloatingPointError", "LookupError", "bin", "format", "sorted", "tuple", "zip",
        "reversed", "bytes",
    ):  # fmt: skip
        allowed[name] = getattr(builtins, name)
    allowed["__build_class__"] = builtins.__build_class__
    for name, why in _UNAVAILABLE.items():
        allowed[name] = _unavailable(name, why)
    return allowed


_SHARED_BUILTINS = _shared_builtins()


def learner_builtins(facades: Mapping[str, Facade], guards: LearnerGuards) -> dict[str, Any]:
    # Builtins written in Python (ours) are sealed: a bare function would carry its
    # `__globals__`, the sandbox module's namespace.
    allowed = dict(_SHARED_BUILTINS)
    for name, guard in (
        ("type", make_type(guards)),
        ("getattr", guards.getattr),
        ("hasattr", guards.hasattr),
        ("setattr", guards.setattr),
        ("delattr", guards.delattr),
    ):
        allowed[name] = SealedCallable(guard, name)
    allowed["__import__"] = make_import(facades)
    return allowed


def learner_namespace(
    facades: Mapping[str, Facade], output: CappedOutput, preset: Mapping[str, Any]
) -> dict[str, Any]:
    guards = LearnerGuards()
    namespace: dict[str, Any] = {
        "__builtins__": learner_builtins(facades, guards),
        "__name__": "learner",
        "__metaclass__": guards.metaclass,
        "_getattr_": guards.getattr,
        "_getitem_": guards.getitem,
        "_getiter_": guarded_iter,
        "_iter_unpack_sequence_": iter_unpack_sequence,
        "_unpack_sequence_": unpack_sequence,
        "_write_": guards.write,
        "_inplacevar_": inplacevar,
        INPLACE: guards.inplace,
        INPLACE_ITEM: guards.inplace_item,
        INPLACE_ATTR: guards.inplace_attr,
        "_apply_": apply,
        "_print_": output.printer,
    }
    namespace.update(preset)
    return namespace


def unrestricted_namespace(preset: Mapping[str, Any]) -> dict[str, Any]:
    """Test-only: plain Python with every builtin, to show the OS layers stand on their own."""
    namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": "learner"}
    namespace.update(preset)
    return namespace
