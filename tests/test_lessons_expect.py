"""Messages that compare a learner's value with the reference say why, in the learner's terms."""

from __future__ import annotations

from typing import Any

import pytest

from lessons.checking import Context
from lessons.expect import (
    Mistake,
    expect_function,
    expect_loss_went_down,
    expect_value,
    fmt,
    same,
    typed_in,
)
from sandbox.result import ErrorInfo, ProbeValue


def _value(value: Any, kind: str = "float", shape: tuple[int, ...] | None = None) -> ProbeValue:
    return ProbeValue(ok=True, kind=kind, value=value, shape=shape)


def _error(type_: str, message: str, line: int | None = None) -> ProbeValue:
    source = "loss = mse(y, w * x)" if line else None
    return ProbeValue(ok=False, error=ErrorInfo(type_, message, line=line, source_line=source))


def _ctx(got: ProbeValue, want: ProbeValue, name: str = "p") -> Context:
    return Context(data={}, got={name: got}, want={name: want})


SUMMED = Mistake(4.0, "it looks like you summed the squared errors instead of averaging them.")
LABEL = "mse([1, 2, 3], [1, 2, 5])"


def test_equal_values_pass_up_to_rounding() -> None:
    assert expect_value(_ctx(_value(1 / 3 + 1e-12), _value(1 / 3)), "p") is None


def test_known_mistake_is_named() -> None:
    message = expect_value(_ctx(_value(4.0), _value(4 / 3)), "p", LABEL, [SUMMED])
    assert message == (
        "`mse([1, 2, 3], [1, 2, 5])` returned 4, expected 1.333: "
        "it looks like you summed the squared errors instead of averaging them."
    )


def test_unknown_mistake_falls_back_to_expected_and_got() -> None:
    message = expect_value(_ctx(_value(2.5), _value(4 / 3)), "p", "loss_before", [SUMMED])
    assert message == "`loss_before` is 2.5, expected 1.333."


def test_list_instead_of_number_says_so() -> None:
    message = expect_value(_ctx(_value([0, 0, 4], kind="list"), _value(4 / 3)), "p", LABEL)
    assert message is not None
    assert "returned a list of 3 values ([0, 0, 4]), expected a single number (1.333)" in message


def test_wrong_shape_names_both_shapes() -> None:
    got = _value([[1.0, 2.0]], kind="ndarray", shape=(1, 2))
    want = _value([[1.0], [2.0]], kind="ndarray", shape=(2, 1))
    message = expect_value(_ctx(got, want), "p", "hidden")
    assert message == "`hidden` has shape (1, 2), expected an array of shape (2, 1)."


def test_function_returning_none_hints_at_return() -> None:
    message = expect_value(_ctx(_value(None, kind="none"), _value(1.0)), "p", "mse([1], [2])")
    assert message is not None and "Did you forget to `return` it?" in message


def test_missing_name_and_raised_errors_are_reported_without_comparing() -> None:
    missing = _error("NameError", "name 'loss_before' is not defined")
    assert expect_value(_ctx(missing, _value(1.0)), "p", "loss_before") == (
        "`loss_before` is not defined: your code needs to create it."
    )
    raised = _error("ZeroDivisionError", "division by zero", line=7)
    message = expect_value(_ctx(raised, _value(1.0)), "p", "mse([1], [2])")
    assert message == (
        "`mse([1], [2])` raised ZeroDivisionError: division by zero "
        "(line 7: `loss = mse(y, w * x)`)."
    )


def test_placeholder_left_in_is_pointed_out() -> None:
    placeholder = _value("ellipsis", kind="other")
    message = expect_value(_ctx(placeholder, _value(1.0)), "p", "grad")
    assert message == "`grad` is still `...`: replace the placeholder with your code."


def test_expect_function() -> None:
    ok = _ctx(_value(None, kind="function"), _value(None, kind="function"), "mse")
    assert expect_function(ok, "mse", "mse(y_true, y_pred)") is None
    missing = _ctx(_error("NameError", "name 'mse' is not defined"), _value(None), "mse")
    assert expect_function(missing, "mse", "mse(y_true, y_pred)") == (
        "`mse` is not defined. Define it with `def mse(y_true, y_pred):`."
    )
    number = _ctx(_value(3.0), _value(None, kind="function"), "mse")
    assert "should be a function, but it is a float" in (
        expect_function(number, "mse", "mse(y_true, y_pred)") or ""
    )


def test_same_requires_same_shape() -> None:
    assert same([1.0, 2.0], [1.0, 2.0])
    assert not same([1.0, 2.0], [[1.0, 2.0]])
    assert not same("a", 1.0)
    assert not same(None, None)


def test_fmt_is_short_and_readable() -> None:
    assert fmt(4.0) == "4"
    assert fmt(4 / 3) == "1.333"
    assert fmt([0.0, 0.5, 4.0]) == "[0, 0.5, 4]"
    assert fmt(True) == "True"
    assert len(fmt(list(range(1000)))) < 60


def test_matrix_difference_shows_the_first_wrong_row() -> None:
    got = _value([[1.0, 2.0], [3.0, 4.0]], kind="ndarray", shape=(2, 2))
    want = _value([[1.0, 2.0], [3.0, 5.0]], kind="ndarray", shape=(2, 2))
    assert (
        expect_value(_ctx(got, want), "p", "hidden")
        == "Row 1 of `hidden` is [3, 4], expected [3, 5]."
    )


def test_one_value_is_singular_and_one_number_is_called_a_number() -> None:
    got = _value([2.0], kind="list")
    message = expect_value(_ctx(got, _value([1.0, 2.0], kind="list")), "p", "losses")
    assert message == "`losses` has 1 value, expected 2."
    array = _value([1.0] * 5, kind="ndarray", shape=(5,))
    message = expect_value(_ctx(_value(3.5), array), "p", "total")
    assert message == "`total` is one number (3.5), expected an array of shape (5,)."


@pytest.mark.parametrize(
    ("got", "why"),
    [
        ([6.0, 12.0, 0.0], "it is exactly 6 times too big: did you sum where a mean belongs"),
        ([0.5, 1.0, 0.0], "it is exactly 2 times too small: did you average where a sum belongs"),
        ([-1.0, -2.0, 0.0], "the sign is flipped."),
    ],
)
def test_a_constant_factor_is_named_in_any_lesson(got: list[float], why: str) -> None:
    want = _value([1.0, 2.0, 0.0], kind="ndarray", shape=(3,))
    message = expect_value(_ctx(_value(got, kind="ndarray", shape=(3,)), want), "p", "g")
    assert message is not None and why in message


def test_no_factor_is_claimed_for_values_that_are_not_proportional() -> None:
    want = _value([1.0, 2.0], kind="ndarray", shape=(2,))
    got = _value([2.0, 3.0], kind="ndarray", shape=(2,))
    assert expect_value(_ctx(got, want), "p", "g") == "`g` is [2, 3], expected [1, 2]."


def test_numbers_typed_in_from_an_earlier_run_are_named() -> None:
    ctx = Context(
        data={},
        got={"loss_before": _value(7.31)},
        want={"loss_before": _value(5.2)},
        code="loss_before = 7.31  # from my last run\n",
    )
    message = expect_value(ctx, "loss_before")
    assert message is not None and "typed in as numbers" in message
    assert typed_in("total = np.array([1.5, -2.3])\n", "total")
    assert not typed_in("dot = 0\nfor i in range(3):\n    dot = dot + a[i]\n", "dot")
    assert not typed_in("w = 0.5\nw = w - lr * grad\n", "w")


def test_a_value_that_fits_two_mistakes_names_both() -> None:
    mistakes = [Mistake(4.0, "summed them."), Mistake(4.0, "skipped one.")]
    message = expect_value(_ctx(_value(4.0), _value(1.0)), "p", "m", mistakes)
    assert message == (
        "`m` is 4, expected 1. On this run that fits more than one mistake: summed them. "
        "Or: skipped one."
    )


def test_a_loss_that_did_not_move_or_blew_up_is_not_blamed_on_the_direction() -> None:
    def ctx(before: float, after: float) -> Context:
        got = {"loss_before": _value(before), "loss_after": _value(after)}
        return Context(data={}, got=got, want=got)

    unchanged = expect_loss_went_down(ctx(2.0, 2.0), "Check the direction.")
    assert unchanged is not None and unchanged.startswith("The loss stayed at 2")
    assert "Check the direction" not in unchanged and "`new_w = ...`" in unchanged
    blown = expect_loss_went_down(ctx(2.0, float("inf")), "Check the direction.")
    assert blown is not None and "diverged" in blown and "learning rate" in blown
    grew = expect_loss_went_down(ctx(2.0, 3.0), "Check the direction.")
    assert grew == "The loss went from 2 to 3: it must go down. Check the direction."
