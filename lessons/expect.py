"""Comparing a learner's probe value with the reference, and saying why they differ.

Messages follow learntools: name the expression, show what it gave and what was expected,
and when the value matches a known beginner mistake, say which one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lessons.checking import Context
from sandbox.result import ProbeValue

RTOL = 1e-6
ATOL = 1e-9
_NUMBER_KINDS = {"float", "int"}


@dataclass(frozen=True)
class Mistake:
    """What a known mistake would have produced on the same data, and what to tell the learner.

    `value` is computed by trusted code in the lesson's checks from the run's data, so it
    changes with the seed just like the expected value.
    """

    value: Any
    why: str


def fmt(value: Any) -> str:
    """A value the way a learner would want to read it: four significant digits."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float | int | np.floating | np.integer):
        return f"{float(value):.4g}" if isinstance(value, float | np.floating) else str(value)
    if isinstance(value, list | tuple | np.ndarray):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return repr(value)[:120]
        if array.ndim == 0:
            return fmt(float(array))
        if array.ndim == 1 and array.size <= 12:
            return "[" + ", ".join(fmt(float(v)) for v in array) + "]"
        text = np.array2string(array, precision=4, threshold=8, edgeitems=2, separator=", ")
        return " ".join(text.split())  # one line: messages are read in a chat
    return repr(value)[:120]


def as_array(value: Any) -> np.ndarray | None:
    """Numbers, lists and arrays as a float array; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return array


def same(got: Any, want: Any, *, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Equal up to floating-point rounding (or the given tolerance), and of the same shape."""
    a, b = as_array(got), as_array(want)
    if a is None or b is None or a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def is_number(probe: ProbeValue) -> bool:
    return probe.kind in _NUMBER_KINDS or (probe.kind == "ndarray" and probe.shape == ())


def probe_problem(probe: ProbeValue, label: str) -> str | None:
    """Why a probe has no usable value (not defined, raised, still a placeholder), or None."""
    if not probe.ok:
        error = probe.error
        if error is None:
            return f"`{label}` could not be evaluated."
        if error.type == "NameError":
            match = re.search(r"name '([^']+)' is not defined", error.message)
            name = match.group(1) if match else label
            return f"`{name}` is not defined: your code needs to create it."
        where = ""
        if error.line is not None:
            source = f": `{error.source_line.strip()}`" if error.source_line else ""
            where = f" (line {error.line}{source})"
        return f"`{label}` raised {error.type}: {error.message}{where}."
    if probe.kind == "other" and probe.value == "ellipsis":
        return f"`{label}` is still `...`: replace the placeholder with your code."
    return None


def expect_function(ctx: Context, probe: str, signature: str) -> str | None:
    """`probe` names a function the learner must define, e.g. signature "mse(y_true, y_pred)"."""
    name = signature.split("(")[0]
    got = ctx.got[probe]
    if (problem := probe_problem(got, name)) is not None:
        if got.error is not None and got.error.type == "NameError":
            return f"`{name}` is not defined. Define it with `def {signature}:`."
        return problem
    if got.kind != "function":
        return f"`{name}` should be a function, but it is a {got.kind}. Use `def {signature}:`."
    return None


def expect_value(
    ctx: Context,
    probe: str,
    label: str | None = None,
    mistakes: Sequence[Mistake] = (),
    *,
    want: ProbeValue | None = None,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> str | None:
    """The learner's `probe` equals the reference's (or `want`); otherwise explain why not."""
    want = ctx.want[probe] if want is None else want
    failure = compare(ctx.got[probe], want, label or probe, mistakes, rtol=rtol, atol=atol)
    got = ctx.got[probe]
    if failure is not None and got.ok and typed_in(ctx.code, probe):
        return (
            f"`{probe}` is {fmt(got.value)}, typed in as numbers, expected {fmt(want.value)}: "
            "every run draws new data, so numbers from an earlier run don't fit this one. "
            f"Compute `{probe}` from the predefined variables."
        )
    return failure


def compare(
    got: ProbeValue,
    want: ProbeValue,
    label: str,
    mistakes: Sequence[Mistake] = (),
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
) -> str | None:
    """`expect_value` for values that are not whole probes, such as one item of a tuple."""
    if (problem := probe_problem(got, label)) is not None:
        return problem
    verb = "returned" if "(" in label else "is"
    if same(got.value, want.value, rtol=rtol, atol=atol):
        return None
    shown = _difference(label, verb, got.value, want.value)
    matching = [m.why for m in mistakes if same(got.value, m.value, rtol=rtol, atol=atol)]
    matching = list(dict.fromkeys(matching))  # one text per cause, in the lesson's order
    if len(matching) == 1:
        return f"{shown}: {matching[0]}"
    if matching:  # this run's numbers can't tell these mistakes apart: name each
        return f"{shown}. On this run that fits more than one mistake: " + " Or: ".join(matching)
    if (scale := _scaled(got.value, want.value)) is not None:
        return f"{shown}: {scale}"
    if got.kind == "none":
        hint = " Did you forget to `return` it?" if verb == "returned" else ""
        return f"`{label}` {verb} None, expected {fmt(want.value)}.{hint}"
    if is_number(want) and not is_number(got):
        size = f" of {_count(len(got.value))}" if isinstance(got.value, list) else ""
        return (
            f"`{label}` {verb} a {_kind_name(got)}{size} ({fmt(got.value)}), "
            f"expected a single number ({fmt(want.value)})."
        )
    lists = got.kind == want.kind == "list"
    if lists and len(got.value) != len(want.value):
        return f"`{label}` has {_count(len(got.value))}, expected {len(want.value)}."
    if want.shape is not None and got.shape != want.shape:
        if is_number(got):
            return (
                f"`{label}` {verb} one number ({fmt(got.value)}), "
                f"expected an array of shape {want.shape}."
            )
        got_shape = "no shape" if got.shape is None else f"shape {got.shape}"
        return f"`{label}` has {got_shape}, expected an array of shape {want.shape}."
    return shown + "."


def _count(n: int) -> str:
    return f"{n} value" if n == 1 else f"{n} values"


def _scaled(got: Any, want: Any) -> str | None:
    """ "exactly 6 times too big": a sum where a mean belongs (or the other way round), a
    missing factor, or a flipped sign, recognised in any lesson without knowing the formula."""
    a, b = as_array(got), as_array(want)
    if a is None or b is None or a.shape != b.shape or a.size == 0:
        return None
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return None
    scale = float(np.max(np.abs(b)))
    big = np.abs(b) > 1e-6 * scale
    if scale == 0 or not np.allclose(a[~big], 0, atol=1e-9 * scale + ATOL):
        return None
    ratios = a[big] / b[big]
    ratio = float(np.median(ratios))
    if not np.allclose(ratios, ratio, rtol=1e-6):
        return None
    if abs(ratio + 1) < 1e-6:
        return "the sign is flipped."
    for factor, direction in ((ratio, "big"), (1 / ratio if ratio else 0.0, "small")):
        whole = round(factor)
        if whole >= 2 and abs(factor - whole) < 1e-6 * whole:
            cause = (
                "did you sum where a mean belongs, or keep a factor too many?"
                if direction == "big"
                else "did you average where a sum belongs, or leave out a factor?"
            )
            return f"it is exactly {whole} times too {direction}: {cause}"
    return None


_NUMBERS_ONLY = re.compile(r"(?:np\.array\()?[\s\[\](),.eE0-9+-]*[0-9][\s\[\](),.eE0-9+-]*\)?")


def typed_in(code: str, name: str) -> bool:
    """The code's last assignment to `name` puts literal numbers in it at the top level, such
    as values copied from an earlier run's output, rather than computing them."""
    assigned = re.compile(rf"^(\s*){re.escape(name)}\s*([-+*/]?)=(?!=)\s*(.+?)\s*(?:#.*)?$")
    matches = [m for line in code.splitlines() if (m := assigned.match(line))]
    if not matches:
        return False
    indent, augmented, value = matches[-1].groups()
    return not indent and not augmented and _NUMBERS_ONLY.fullmatch(value) is not None


UNCHANGED_ADVICE = (
    "Nothing the loss measures changed: assign the step back to the weight itself "
    "(`w = w - lr * grad`, not only `new_w = ...`), and compute `loss_after` from fresh "
    "predictions made after the step, not from ones made before it."
)
DIVERGED_ADVICE = (
    "The loss blew up: the steps are far too big, so each one overshoots further (the "
    "training diverged). Train with the predefined `lr`, not a bigger learning rate."
)


def expect_loss_went_down(
    ctx: Context,
    advice: str,
    *,
    unchanged: str = UNCHANGED_ADVICE,
    diverged: str = DIVERGED_ADVICE,
) -> str | None:
    """The learner's own `loss_after` is below their `loss_before`. `advice` says what to fix
    when the loss grew (a step in the wrong direction); a loss that did not move, or that
    overflowed to inf or nan, has causes of its own."""
    for name in ("loss_before", "loss_after"):
        probe = ctx.got[name]
        if (problem := probe_problem(probe, name)) is not None:
            return problem
        if not is_number(probe):
            return f"`{name}` should be a single number, not a {_kind_name(probe)}."
    before, after = float(ctx.got["loss_before"].value), float(ctx.got["loss_after"].value)
    if after < before:
        return None
    if same(after, before):
        return f"The loss stayed at {fmt(before)}: it must go down. {unchanged}"
    if not np.isfinite(after):
        return f"The loss went from {fmt(before)} to {fmt(after)}. {diverged}"
    return f"The loss went from {fmt(before)} to {fmt(after)}: it must go down. {advice}"


def _difference(label: str, verb: str, got: Any, want: Any) -> str:
    """ "`x` is 2, expected 3"; for a matrix, the first row that differs rather than all of it."""
    a, b = as_array(got), as_array(want)
    if a is not None and b is not None and a.shape == b.shape and a.ndim >= 2:
        close = np.isclose(a, b, rtol=RTOL, atol=ATOL).reshape(a.shape[0], -1).all(axis=1)
        row = int(np.argmin(close))
        return f"Row {row} of `{label}` is {fmt(a[row])}, expected {fmt(b[row])}"
    return f"`{label}` {verb} {fmt(got)}, expected {fmt(want)}"


def expected(value: Any) -> ProbeValue:
    """A trusted value (e.g. a numerical gradient) in the shape of a probe, for `want=`."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return ProbeValue(ok=True, kind="float", value=float(array))
    return ProbeValue(ok=True, kind="ndarray", value=array.tolist(), shape=array.shape)


def item(probe: ProbeValue, index: int) -> ProbeValue:
    """One element of a tuple or list probe, as a probe of its own, e.g. `w` of `(w, losses)`."""
    value = probe.value[index]
    kinds = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict"}
    kind = "none" if value is None else kinds.get(type(value), "other")
    return ProbeValue(ok=True, kind=kind, value=value)


def _kind_name(probe: ProbeValue) -> str:
    return {"ndarray": "NumPy array", "none": "None"}.get(probe.kind, probe.kind)
