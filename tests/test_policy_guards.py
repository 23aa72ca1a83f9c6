"""The policy's guards, in process: item keys, sealed callables, super, the output cap."""

from __future__ import annotations

import types

import numpy as np
import pytest

from sandbox import allowlist
from sandbox.facades import Facade, build_facades
from sandbox.guards import CappedOutput, LearnerGuards, OutputLimitExceeded
from sandbox.refusals import AttributeRefused, ItemRefused, SandboxRestriction
from sandbox.sealed import SealedCallable, TypeStandIn

FACADES = build_facades()

# Names that lead from a callable to the interpreter: none may ever be readable.
CALLABLE_INTERNALS = (
    "func_globals", "func_code", "func_closure", "func_dict", "func_defaults", "reduce",
    "outer", "accumulate", "at", "types", "signature", "__globals__", "__self__", "__func__",
    "__wrapped__", "__code__", "__closure__", "__module__", "__dict__",
)  # fmt: skip

# Must never appear in any type's allowlist, whoever edits it next.
NEVER_READABLE = frozenset(
    {
        "view", "data", "ctypes", "base", "dump", "dumps", "tofile", "tobytes", "getfield",
        "setfield", "setflags", "flags", "resize", "bit_generator", "state", "lock", "cffi",
        "mro", "with_traceback", "obj", "gi_frame", "gi_code", "gi_yieldfrom", "f_back",
        "f_globals", "tb_frame", "func_globals", "func_code", "mapping", "fget", "fset",
    }
)  # fmt: skip


def _facade_callables() -> list[tuple[str, SealedCallable]]:
    found = []
    for module, facade in FACADES.items():
        for name in facade.names():
            value = getattr(facade, name)
            if callable(value) and not isinstance(value, (type, Facade, TypeStandIn)):
                found.append((f"{module}.{name}", value))
    return found


def test_no_type_in_the_allowlist_lists_a_route_to_internals() -> None:
    listed = [*allowlist._INSTANCES.items(), *allowlist._CLASSES.items()]
    for kind, names in listed:
        assert not names & NEVER_READABLE, (kind, names & NEVER_READABLE)
        assert not any(name.startswith("_") for name in names), kind
    for family in (np.float64(1), np.str_("a"), np.int64(1), np.dtype("f8"), ValueError("x")):
        names = allowlist.instance_attributes(type(family))
        assert names is not None and not names & NEVER_READABLE


@pytest.mark.parametrize(("name", "function"), _facade_callables())
def test_facade_callables_expose_no_attributes(name: str, function: object) -> None:
    guards = LearnerGuards()
    assert isinstance(function, SealedCallable), name
    real = function._sealed_call
    for attribute in {*dir(real), *CALLABLE_INTERNALS}:
        assert not guards.may_read(function, attribute), (name, attribute)
        with pytest.raises(AttributeError):
            guards.getattr(function, attribute)


def test_our_builtins_written_in_python_are_sealed() -> None:
    from sandbox.policy import learner_builtins

    for name, value in learner_builtins(FACADES, LearnerGuards()).items():
        if name.startswith("_"):
            continue  # unreachable by name; `__import__` must stay a function for numpy
        assert not isinstance(value, types.FunctionType | types.MethodType), name


@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param(types.MappingProxyType({"__builtins__": 1, "_x": 2, "x": 3}), id="proxy"),
        pytest.param(vars(np), id="module-dict"),
        pytest.param(np.linalg.norm.__wrapped__.__globals__, id="function-globals"),
        pytest.param({"__name__": "m", "_x": 2, "x": 3}, id="namespace-dict"),
    ],
)
def test_underscore_items_are_refused_on_mappings_that_are_not_the_learners(
    mapping: dict[str, object],
) -> None:
    guards = LearnerGuards()
    for key in ("__builtins__", "_x", "__import__"):
        with pytest.raises(ItemRefused, match='items named with a leading "_"'):
            guards.getitem(mapping, key)
        with pytest.raises(ItemRefused):
            guards.write(mapping)[key] = 1
        with pytest.raises(ItemRefused):
            guards.inplace_item(mapping, key)
    if "x" in mapping:
        assert guards.getitem(mapping, "x") == 3


def test_the_write_half_of_an_augmented_assignment_checks_again() -> None:
    """Even a target read some other way can't be written past the item-key rule."""
    from sandbox.guards import _Target

    guards = LearnerGuards()
    namespace = {"__builtins__": {}, "__name__": "m"}
    with pytest.raises(ItemRefused):
        guards.inplace(_Target(namespace, "__builtins__", 1, is_item=True), "+=", 1)
    with pytest.raises(SandboxRestriction, match="can't set"):
        guards.inplace(_Target(np.zeros(2), "shape", (2,), is_item=False), "+=", (1,))
    assert namespace["__builtins__"] == {}


@pytest.mark.parametrize(
    "unlisted",
    [
        pytest.param(types.SimpleNamespace(x=1), id="simple-namespace"),
        pytest.param(np, id="module"),
        pytest.param(types.MappingProxyType({"x": 1}), id="mappingproxy"),
        pytest.param(memoryview(b"ab"), id="memoryview"),
        pytest.param(np.random.default_rng(0).bit_generator, id="bit-generator"),
    ],
)
def test_a_type_the_allowlist_does_not_list_shows_nothing(unlisted: object) -> None:
    guards = LearnerGuards()
    assert not allowlist.is_listed(unlisted)
    for name in {*dir(unlisted), "x", "keys", "tobytes", "state"}:
        assert not guards.may_read(unlisted, name), name


def test_underscore_items_work_on_the_learners_own_dicts() -> None:
    guards = LearnerGuards()
    own = {"_private": 1}
    assert guards.getitem(own, "_private") == 1
    guards.write(own)["_other"] = 2
    guards.inplace(guards.inplace_item(own, "_private"), "+=", 5)
    assert own == {"_private": 6, "_other": 2}


def test_super_with_a_type_that_is_not_the_learners_is_refused() -> None:
    guards = LearnerGuards()
    for proxy in (
        super(np.float64, np.float64(1.0)),
        super(np.str_, np.str_("{0.__globals__}")),
        super(str, "x"),
    ):
        for name in ("dumps", "view", "data", "format", "real", "anything"):
            with pytest.raises(AttributeRefused, match=r"super\(\) works only with your own"):
                guards.getattr(proxy, name)
    own = guards.metaclass("Own", (), {"hello": lambda self: "hi"})
    child = guards.metaclass("Child", (own,), {})
    assert guards.getattr(super(child, child()), "hello")() == "hi"


def test_a_refused_read_is_a_policy_refusal_with_the_default_honoured() -> None:
    guards = LearnerGuards()
    with pytest.raises(AttributeRefused, match='"view" of array is not available'):
        guards.getattr(np.zeros(2), "view")
    assert isinstance(AttributeRefused("x"), SandboxRestriction)
    assert guards.getattr(np.zeros(2), "view", None) is None
    assert guards.getattr(np.zeros(2), "ndim", None) == 1
    assert guards.hasattr(np.zeros(2), "ndim") and not guards.hasattr(np.zeros(2), "view")


# -- the captured print's byte and line caps ---------------------------------------------


def test_many_small_writes_stop_at_the_byte_cap() -> None:
    out = CappedOutput(max_bytes=10, max_lines=1000)
    written = 0
    with pytest.raises(OutputLimitExceeded):
        for _ in range(1000):
            out.write("abcd")
            written += 1
    assert written == 2  # 8 bytes fit; the third write would make 12
    assert out.exceeded and out.text() == "abcdabcdab" and out.size == 8


@pytest.mark.parametrize(
    ("size", "exceeded"),
    [(9, False), (10, False), (11, True)],
    ids=["one-under", "exactly-at", "one-over"],
)
def test_the_byte_cap_boundary(size: int, exceeded: bool) -> None:
    out = CappedOutput(max_bytes=10, max_lines=1000)
    if exceeded:
        with pytest.raises(OutputLimitExceeded):
            out.write("x" * size)
    else:
        out.write("x" * size)
    assert out.exceeded is exceeded
    assert out.text() == "x" * min(size, 10)


def test_exactly_at_the_cap_the_next_byte_is_refused() -> None:
    out = CappedOutput(max_bytes=10, max_lines=1000)
    out.write("x" * 10)
    assert not out.exceeded
    with pytest.raises(OutputLimitExceeded):
        out.write("y")
    assert out.text() == "x" * 10
    with pytest.raises(OutputLimitExceeded):  # and it stays refused
        out.write("")


def test_bytes_not_characters_are_counted() -> None:
    out = CappedOutput(max_bytes=10, max_lines=1000)
    out.write("é" * 5)  # 10 bytes
    with pytest.raises(OutputLimitExceeded):
        out.write("é")
    assert out.text() == "é" * 5
    split = CappedOutput(max_bytes=3, max_lines=1000)
    with pytest.raises(OutputLimitExceeded):
        split.write("éé")  # 4 bytes: the half character that fits is dropped
    assert split.text() == "é"


@pytest.mark.parametrize(
    ("lines", "exceeded"), [(4, False), (5, False), (6, True)], ids=["under", "at", "over"]
)
def test_the_line_cap_boundary(lines: int, exceeded: bool) -> None:
    out = CappedOutput(max_bytes=10_000, max_lines=5)
    if exceeded:
        with pytest.raises(OutputLimitExceeded):
            for _ in range(lines):
                out.write("line\n")
    else:
        for _ in range(lines):
            out.write("line\n")
    assert out.exceeded is exceeded
    assert out.text() == "line\n" * min(lines, 5)


def test_python_methods_are_sealed_from_the_first_read_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only once the per-type cache is warm: a cold cache seals as well."""
    import statistics

    from sandbox import guards as guards_module

    monkeypatch.setattr(guards_module, "_GLOBALS_CARRIERS", {})
    guards = LearnerGuards()
    for _ in range(2):  # cold, then cached
        cdf = guards.getattr(statistics.NormalDist(), "cdf")
        assert isinstance(cdf, SealedCallable) and round(cdf(0.0), 2) == 0.5
        assert guards.getattr([1], "count")(1) == 1  # a builtin method stays as it is


def test_a_write_past_the_line_cap_keeps_whole_lines_with_their_newlines() -> None:
    out = CappedOutput(max_bytes=10_000, max_lines=2)
    out.write("x\n")
    with pytest.raises(OutputLimitExceeded):
        out.write("a\nb\nc\n")
    assert out.text() == "x\na\n" and out.exceeded
