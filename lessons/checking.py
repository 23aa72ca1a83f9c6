"""The checks a lesson declares, and running them in order with check50-style dependencies."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lessons.verdict import CheckResult
from sandbox.result import ProbeValue


@dataclass(frozen=True)
class Context:
    """Everything a check may look at. `data` is the trusted preset; `want` the reference run."""

    data: Mapping[str, Any]
    got: Mapping[str, ProbeValue]
    want: Mapping[str, ProbeValue]
    stdout: str = ""
    code: str = ""  # the learner's code as submitted: some diagnoses read how a value was made


# A check returns None when it passes, or the message that tells the learner why not.
CheckFn = Callable[[Context], "str | None"]


@dataclass(frozen=True)
class Check:
    name: str  # stable id: fixtures name the check they must fail
    describe: str  # what passing means, in the learner's terms; shown when it passes
    test: CheckFn
    needs: tuple[str, ...] = ()  # checks that must pass before this one means anything


def validate_checks(checks: Sequence[Check]) -> None:
    """Names are unique and every dependency comes earlier, so one pass in order suffices."""
    seen: set[str] = set()
    for check in checks:
        if check.name in seen:
            raise ValueError(f"check {check.name!r} is declared twice")
        missing = [n for n in check.needs if n not in seen]
        if missing:
            raise ValueError(f"check {check.name!r} needs {missing}, which must come before it")
        seen.add(check.name)


def run_checks(checks: Sequence[Check], ctx: Context) -> list[CheckResult]:
    results: dict[str, CheckResult] = {}
    by_name = {c.name: c for c in checks}
    for check in checks:
        blocker = next((n for n in check.needs if results[n].passed is not True), None)
        if blocker is not None:
            message = f"can't check until this passes: {by_name[blocker].describe}"
            results[check.name] = CheckResult(check.name, None, message)
            continue
        failure = check.test(ctx)
        if failure is None:
            results[check.name] = CheckResult(check.name, True, check.describe)
        else:
            results[check.name] = CheckResult(check.name, False, failure)
    return [results[c.name] for c in checks]


def not_checked(checks: Sequence[Check], reason: str) -> list[CheckResult]:
    """Every check as "could not be checked", for runs that never got as far as the checks."""
    return [CheckResult(c.name, None, reason) for c in checks]
