"""The comparison rules under every lesson's diagnoses, edge by edge: what counts as a
number, how values are shown, what `item()` and `expected()` build, and when "the loss
went down" may pass (only when both losses are defined numbers and the second is lower)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from lessons.checking import Context
from lessons.expect import (
    Mistake,
    as_array,
    compare,
    expect_function,
    expect_loss_went_down,
    expected,
    fmt,
    is_number,
    item,
    probe_problem,
    same,
)
from sandbox.result import ErrorInfo, ProbeValue

ADVICE = "Step against the gradient."


def value(v: Any, kind: str = "float", shape: tuple[int, ...] | None = None) -> ProbeValue:
    return ProbeValue(ok=True, kind=kind, value=v, shape=shape)


def raised(type_: str, message: str) -> ProbeValue:
    return ProbeValue(ok=False, error=ErrorInfo(type_, message))


def losses(before: ProbeValue, after: ProbeValue) -> Context:
    return Context(data={}, got={"loss_before": before, "loss_after": after}, want={})


# What counts as a number


def test_ints_floats_and_zero_dimensional_arrays_are_numbers() -> None:
    assert is_number(value(3, "int")) and is_number(value(3.0))
    assert is_number(value(3.0, "ndarray", shape=()))
    assert not is_number(value([3.0], "ndarray", shape=(1,)))
    assert not is_number(value([3.0], "list", shape=()))
    assert not is_number(value("3", "str"))


def test_an_int_and_a_float_compare_as_numbers() -> None:
    assert compare(value(2, "int"), value(3.0), "n") == "`n` is 2, expected 3."
    assert compare(value(2.0), value(3, "int"), "n") == "`n` is 2, expected 3."
    assert compare(value(3, "int"), value(3.0), "n") is None


# How values are shown


def test_fmt_shows_short_lists_whole_and_summarises_longer_ones() -> None:
    assert fmt(list(range(12))) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"
    assert fmt(list(range(13))) == "[ 0., 1., ..., 11., 12.]"
    assert fmt([[1 / 3] * 9]) == "[[0.3333, 0.3333, ..., 0.3333, 0.3333]]"
    assert fmt(np.array(2.5)) == "2.5"
    assert fmt(None) == "None" and fmt(False) == "False"


def test_fmt_falls_back_to_a_cut_repr() -> None:
    assert fmt(["a", "b"]) == "['a', 'b']"  # not numbers: ValueError inside
    assert fmt([{}, 1]) == "[{}, 1]"  # TypeError inside
    assert fmt(["x" * 200]) == repr(["x" * 200])[:120]
    assert fmt({"a": 1}) == "{'a': 1}"
    assert fmt("y" * 300) == repr("y" * 300)[:120]


def test_as_array_and_same_refuse_what_is_not_numeric() -> None:
    assert as_array({"a": 1}) is None and as_array("abc") is None and as_array(None) is None
    assert same([1.0, 2.0], [1.0, 2.0]) is True
    assert same([1.0, 2.0], [1.0, 2.0, 3.0]) is False
    assert same({"a": 1}, 1.0) is False
    assert same(float("nan"), float("nan")) is True  # a NaN the reference also got is right


# Why a probe has no usable value


def test_probe_problems_name_the_cause() -> None:
    assert probe_problem(ProbeValue(ok=False), "p") == "`p` could not be evaluated."
    undefined = raised("NameError", "name 'loss' is not defined")
    assert probe_problem(undefined, "p") == "`loss` is not defined: your code needs to create it."
    odd = raised("NameError", "something else")
    assert probe_problem(odd, "p") == "`p` is not defined: your code needs to create it."
    assert probe_problem(value("ellipsis", "other"), "p") == (
        "`p` is still `...`: replace the placeholder with your code."
    )
    assert probe_problem(value("ellipsis", "str"), "p") is None  # the word, not the `...`
    assert probe_problem(value("function", "other"), "p") is None


def test_a_function_that_raises_is_reported_as_raising_not_as_missing() -> None:
    ctx = Context(data={}, got={"f": raised("ZeroDivisionError", "division by zero")}, want={})
    assert expect_function(ctx, "f", "mse(a, b)") == (
        "`mse` raised ZeroDivisionError: division by zero."
    )


# Comparing lists, arrays and matrices


def test_lists_of_the_wrong_length_say_how_many_values() -> None:
    got, want = value([1.0, 2.0], "list"), value([1.0, 2.0, 3.0], "list")
    assert compare(got, want, "xs") == "`xs` has 2 values, expected 3."
    same_length = value([1.0, 5.0, 3.0], "list")
    assert compare(same_length, want, "xs") == "`xs` is [1, 5, 3], expected [1, 2, 3]."


def test_an_array_instead_of_a_number_is_named_as_such() -> None:
    got = value([1.0, 2.0, 3.0], "ndarray", shape=(3,))
    assert compare(got, value(2.0), "m") == (
        "`m` is a NumPy array of 3 values ([1, 2, 3]), expected a single number (2)."
    )


def test_the_first_wrong_row_of_a_tall_matrix() -> None:
    want = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    got = [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]
    result = compare(value(got, "ndarray", (3, 2)), value(want, "ndarray", (3, 2)), "W")
    assert result == "Row 2 of `W` is [5, 7], expected [5, 6]."


# Building probes from trusted values and from tuple items


def test_expected_builds_a_number_or_an_array_probe() -> None:
    assert expected(2) == ProbeValue(ok=True, kind="float", value=2.0)
    assert expected(np.float64(0.5)) == ProbeValue(ok=True, kind="float", value=0.5)
    assert expected([1, 2]) == ProbeValue(ok=True, kind="ndarray", value=[1.0, 2.0], shape=(2,))


def test_item_gives_each_element_its_own_kind() -> None:
    probe = value([True, 1, 1.5, "s", [1], {"a": 1}, None, (1,)], "tuple")
    kinds = [item(probe, i).kind for i in range(8)]
    assert kinds == ["bool", "int", "float", "str", "list", "dict", "none", "other"]
    assert item(probe, 2) == ProbeValue(ok=True, kind="float", value=1.5)


def test_a_tuple_item_that_is_none_or_not_gets_the_right_diagnosis() -> None:
    probe = value([None, 2.0], "tuple")
    want = value(3.0)
    assert compare(item(probe, 0), want, "train(x)[0]") == (
        "`train(x)[0]` returned None, expected 3. Did you forget to `return` it?"
    )
    assert compare(item(probe, 1), want, "train(x)[1]") == "`train(x)[1]` returned 2, expected 3."


def test_mistakes_are_frozen() -> None:
    mistake = Mistake(1.0, "why")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mistake.why = "other"  # type: ignore[misc]


# The loss went down


def test_the_loss_went_down_only_when_it_did() -> None:
    assert expect_loss_went_down(losses(value(2.0), value(1.0)), ADVICE) is None
    assert expect_loss_went_down(losses(value(2, "int"), value(1.5)), ADVICE) is None
    assert expect_loss_went_down(losses(value(1.0), value(2.0)), ADVICE) == (
        f"The loss went from 1 to 2: it must go down. {ADVICE}"
    )
    # A loss that did not move is not blamed on the step's direction (issue 11).
    stayed = expect_loss_went_down(losses(value(1.0), value(1.0)), ADVICE)
    assert stayed is not None and stayed.startswith("The loss stayed at 1: it must go down.")
    assert ADVICE not in stayed


@pytest.mark.parametrize("missing", ["loss_before", "loss_after"])
def test_an_undefined_loss_never_passes(missing: str) -> None:
    got = {"loss_before": value(2.0), "loss_after": value(1.0)}
    got[missing] = raised("NameError", f"name '{missing}' is not defined")
    ctx = Context(data={}, got=got, want={})
    assert expect_loss_went_down(ctx, ADVICE) == (
        f"`{missing}` is not defined: your code needs to create it."
    )
    got[missing] = value("ellipsis", "other")
    assert expect_loss_went_down(ctx, ADVICE) == (
        f"`{missing}` is still `...`: replace the placeholder with your code."
    )


@pytest.mark.parametrize("missing", ["loss_before", "loss_after"])
def test_a_loss_that_is_not_a_number_never_passes(missing: str) -> None:
    got = {"loss_before": value(2.0), "loss_after": value(1.0)}
    got[missing] = value([2.0, 1.0], "list")
    ctx = Context(data={}, got=got, want={})
    assert expect_loss_went_down(ctx, ADVICE) == (
        f"`{missing}` should be a single number, not a list."
    )
    got[missing] = value(None, "none")
    assert expect_loss_went_down(ctx, ADVICE) == (
        f"`{missing}` should be a single number, not a None."
    )
    got[missing] = value([2.0], "ndarray", shape=(1,))
    assert expect_loss_went_down(ctx, ADVICE) == (
        f"`{missing}` should be a single number, not a NumPy array."
    )
