"""A verdict's status is its own type: the lesson outcomes plus each unfinished run status."""

import pytest

from lessons import Verdict, VerdictStatus
from sandbox.result import Status


def test_every_unfinished_run_status_passes_through_under_its_own_name() -> None:
    for status in Status:
        if status is Status.OK:
            continue
        assert VerdictStatus.of_unfinished_run(status).value == status.value


def test_a_finished_run_has_no_verdict_status_of_its_own() -> None:
    with pytest.raises(KeyError):
        VerdictStatus.of_unfinished_run(Status.OK)


def test_the_stored_strings_are_unchanged() -> None:
    assert {s.value for s in VerdictStatus} == {
        "passed", "failed", "not_attempted", "error", "syntax_error", "timeout", "memory",
        "output_limit", "rejected", "crashed",
    }  # fmt: skip


def test_a_verdict_built_from_the_stored_string_has_the_enum_member() -> None:
    verdict = Verdict("x", "passed", "")  # type: ignore[arg-type]
    assert verdict.status is VerdictStatus.PASSED and verdict.passed
    assert verdict.to_json()["status"] == "passed"
    with pytest.raises(ValueError):
        Verdict("x", "finished", "")  # type: ignore[arg-type]
