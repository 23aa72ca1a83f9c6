"""Checks run in order; a check whose dependency did not pass says it could not be checked."""

from __future__ import annotations

import pytest

from lessons.checking import Check, Context, not_checked, run_checks, validate_checks
from sandbox.result import ProbeValue


def _ctx(**got: float) -> Context:
    return Context(
        data={},
        got={k: ProbeValue(ok=True, kind="float", value=v) for k, v in got.items()},
        want={},
    )


def _positive(name: str) -> Check:
    def test(ctx: Context) -> str | None:
        return None if ctx.got[name].value > 0 else f"`{name}` must be positive"

    return Check(name, f"`{name}` is positive", test)


def test_passing_check_reports_its_description() -> None:
    [result] = run_checks([_positive("a")], _ctx(a=1.0))
    assert (result.name, result.passed, result.message) == ("a", True, "`a` is positive")


def test_failing_check_reports_why() -> None:
    [result] = run_checks([_positive("a")], _ctx(a=-1.0))
    assert result.passed is False
    assert result.message == "`a` must be positive"


def test_dependent_check_is_not_run_when_its_dependency_fails() -> None:
    calls: list[str] = []

    def never(ctx: Context) -> str | None:
        calls.append("ran")
        return None

    checks = [_positive("a"), Check("b", "b holds", never, needs=("a",))]
    a, b = run_checks(checks, _ctx(a=-1.0))
    assert a.passed is False
    assert b.passed is None
    assert b.message == "can't check until this passes: `a` is positive"
    assert calls == []


def test_dependency_chain_propagates_could_not_check() -> None:
    checks = [
        _positive("a"),
        Check("b", "b holds", lambda ctx: None, needs=("a",)),
        Check("c", "c holds", lambda ctx: None, needs=("b",)),
    ]
    results = run_checks(checks, _ctx(a=-1.0))
    assert [r.passed for r in results] == [False, None, None]
    assert results[2].message == "can't check until this passes: b holds"


def test_independent_checks_still_run_after_a_failure() -> None:
    results = run_checks([_positive("a"), _positive("b")], _ctx(a=-1.0, b=2.0))
    assert [r.passed for r in results] == [False, True]


def test_validate_rejects_duplicates_and_forward_dependencies() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        validate_checks([_positive("a"), _positive("a")])
    with pytest.raises(ValueError, match="must come before"):
        validate_checks([Check("b", "b", lambda ctx: None, needs=("a",)), _positive("a")])


def test_not_checked_marks_every_check_with_the_reason() -> None:
    results = not_checked([_positive("a"), _positive("b")], "your code raised an error")
    assert [(r.passed, r.message) for r in results] == [(None, "your code raised an error")] * 2
