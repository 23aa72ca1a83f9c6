"""From run results to a verdict: statuses, dependent checks, metrics, not attempted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lessons.checking import Check
from lessons.course import Lesson
from lessons.expect import expect_value
from lessons.judge import describe_error, is_unchanged_starter, judge, not_attempted
from sandbox.result import ErrorInfo, ProbeValue, RunResult, Status

STARTER = "import numpy as np\n\n# Predefined: x, w\nloss_before = ...\nloss_after = ...\n"


def _lesson() -> Lesson:
    checks = (
        Check("before", "`loss_before` is right", lambda c: expect_value(c, "loss_before")),
        Check(
            "after",
            "`loss_after` is right",
            lambda c: expect_value(c, "loss_after"),
            needs=("before",),
        ),
    )
    return Lesson(
        id="toy",
        title="Toy",
        order=1,
        number=1,
        explanation="",
        task="",
        starter_code=STARTER,
        solution="",
        hints=["one", "two"],
        trains=True,
        checks=checks,
        metrics=("loss_before", "loss_after"),
        fixtures=(),
        path=Path("."),
        _make_data=lambda rng: {"x": rng.normal(size=3), "w": 0.5},
        _probes=lambda data: {"loss_before": "loss_before", "loss_after": "loss_after"},
    )


def _run(status: Status = Status.OK, error: ErrorInfo | None = None, **probes: Any) -> RunResult:
    values = {k: ProbeValue(ok=True, kind="float", value=v) for k, v in probes.items()}
    return RunResult(status=status, probes=values, error=error, stdout="hi\n")


REFERENCE = _run(loss_before=2.0, loss_after=1.5)
DATA = {"x": [1.0, 2.0], "w": 0.5}


def test_all_checks_pass() -> None:
    verdict = judge(_lesson(), _run(loss_before=2.0, loss_after=1.5), REFERENCE, DATA, seed=7)
    assert verdict.status == "passed" and verdict.passed
    assert [c.passed for c in verdict.checks] == [True, True]
    assert verdict.metrics == {"loss_before": 2.0, "loss_after": 1.5}
    assert verdict.message == "All 2 checks passed. The loss went from 2 to 1.5."
    assert verdict.stdout == "hi\n"
    assert verdict.seed == 7


def test_failed_check_and_its_dependent() -> None:
    verdict = judge(_lesson(), _run(loss_before=3.0, loss_after=1.5), REFERENCE, DATA, seed=7)
    assert verdict.status == "failed" and not verdict.passed
    assert [c.passed for c in verdict.checks] == [False, None]
    # The summary counts and points; the check's own line says what is wrong, once.
    assert verdict.message == "0 of 2 checks passed. Start with before."
    assert verdict.checks[0].message == "`loss_before` is 3, expected 2."
    # Metrics are the learner's own numbers, right or wrong.
    assert verdict.metrics == {"loss_before": 3.0, "loss_after": 1.5}


def test_error_run_has_sandbox_status_and_line() -> None:
    error = ErrorInfo("NameError", "name 'np' is not defined", line=3, source_line="g = np.mean(x)")
    verdict = judge(_lesson(), _run(Status.ERROR, error), REFERENCE, DATA, seed=7)
    assert verdict.status == "error"
    assert verdict.error == error
    # The error itself travels in `verdict.error`, shown beside the message: not repeated.
    assert verdict.message == (
        "Your code raised NameError on line 3. Add `import numpy as np` at the top: "
        "`np` is not predefined."
    )
    assert all(c.passed is None for c in verdict.checks)


def test_other_name_errors_list_the_predefined_names() -> None:
    error = ErrorInfo("NameError", "name 'X' is not defined", line=1)
    verdict = judge(_lesson(), _run(Status.ERROR, error), REFERENCE, DATA, seed=7)
    assert "The predefined names in this lesson are `x`, `w`." in verdict.message


def test_timeout_uses_the_sandbox_message() -> None:
    run = RunResult(status=Status.TIMEOUT, message="Your code ran longer than 2 s.")
    verdict = judge(_lesson(), run, REFERENCE, DATA, seed=7)
    assert (verdict.status, verdict.passed) == ("timeout", False)
    assert verdict.message == "Your code ran longer than 2 s."
    assert [c.message for c in verdict.checks] == ["can't check until your code finishes"] * 2


def test_rejected_code_was_never_run_and_says_so() -> None:
    run = RunResult(status=Status.REJECTED, message="“os” can't be imported in the sandbox.")
    verdict = judge(_lesson(), run, REFERENCE, DATA, seed=7)
    assert (verdict.status, verdict.message) == ("rejected", run.message)
    assert [c.message for c in verdict.checks] == [
        "can't check until the sandbox accepts your code"
    ] * 2


def test_unchanged_starter_is_not_attempted() -> None:
    lesson = _lesson()
    assert is_unchanged_starter(lesson, STARTER)
    assert is_unchanged_starter(
        lesson, STARTER.replace("# Predefined: x, w", "# my notes") + "\n\n"
    )
    assert is_unchanged_starter(lesson, "  \n")
    assert not is_unchanged_starter(lesson, STARTER.replace("loss_before = ...", "loss_before = 1"))
    verdict = not_attempted(lesson, seed=1)
    assert (verdict.status, verdict.passed) == ("not_attempted", False)
    assert all(c.passed is None for c in verdict.checks)


def test_verdict_json_has_the_documented_fields() -> None:
    error = ErrorInfo("ValueError", "bad", line=2)
    verdict = judge(_lesson(), _run(Status.ERROR, error), REFERENCE, DATA, seed=7)
    data = verdict.to_json()
    assert {"lesson", "status", "passed", "checks", "metrics", "stdout", "error"} <= set(data)
    assert data["error"]["line"] == 2
    assert data["checks"][0] == {
        "name": "before",
        "passed": None,
        "message": "can't check until your code runs without an error",
    }


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        (
            ErrorInfo("TypeError", "cannot unpack non-iterable ellipsis object", line=4),
            "A `...` placeholder is still in your code",
        ),
        (
            ErrorInfo(
                "ValueError", "matmul: Input operand 1 has a mismatch in its core dimension 0"
            ),
            "in `A @ B` the number of columns of `A` must equal the number of rows of `B`",
        ),
        (
            ErrorInfo(
                "ValueError", "operands could not be broadcast together with shapes (3,4) (4,3)"
            ),
            "Element-wise arithmetic needs arrays of matching shapes",
        ),
        (
            ErrorInfo("SyntaxError", "expected ':'", line=2, source_line="def mse(a, b)"),
            "Your code has a SyntaxError on line 2 (`def mse(a, b)`): expected ':'",
        ),
    ],
)
def test_common_errors_come_with_advice(error: ErrorInfo, advice: str) -> None:
    assert advice in describe_error(error, DATA)


def test_verdict_message_is_one_line() -> None:
    error = ErrorInfo("ValueError", "first line\nsecond line", line=1)
    verdict = judge(_lesson(), _run(Status.ERROR, error), REFERENCE, DATA, seed=7)
    assert verdict.message == "Your code raised ValueError on line 1."


def test_checks_that_could_not_run_for_one_reason_share_a_line() -> None:
    error = ErrorInfo("ValueError", "bad", line=2)
    verdict = judge(_lesson(), _run(Status.ERROR, error), REFERENCE, DATA, seed=7)
    assert verdict.check_lines() == [
        (["before", "after"], None, "can't check until your code runs without an error")
    ]
    failed = judge(_lesson(), _run(loss_before=3.0, loss_after=1.5), REFERENCE, DATA, seed=7)
    assert [names for names, _, _ in failed.check_lines()] == [["before"], ["after"]]
