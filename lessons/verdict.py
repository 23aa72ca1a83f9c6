"""What grading returns: plain data a front end renders and the tutor core records."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.json_floats import encode_floats
from sandbox.result import ErrorInfo, Status


class VerdictStatus(StrEnum):
    """How a submission ended for the lesson. The values are what the store keeps."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"
    # A run that did not finish normally: the sandbox's status, passed through by name.
    ERROR = "error"
    SYNTAX_ERROR = "syntax_error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    REJECTED = "rejected"
    CRASHED = "crashed"

    @classmethod
    def of_unfinished_run(cls, status: Status) -> VerdictStatus:
        """The lesson status of a run that did not finish normally (not `Status.OK`: a run
        that finished is graded into PASSED or FAILED)."""
        return _OF_UNFINISHED_RUN[status]


_OF_UNFINISHED_RUN: dict[Status, VerdictStatus] = {
    Status.ERROR: VerdictStatus.ERROR,
    Status.SYNTAX_ERROR: VerdictStatus.SYNTAX_ERROR,
    Status.TIMEOUT: VerdictStatus.TIMEOUT,
    Status.MEMORY: VerdictStatus.MEMORY,
    Status.OUTPUT_LIMIT: VerdictStatus.OUTPUT_LIMIT,
    Status.REJECTED: VerdictStatus.REJECTED,
    Status.CRASHED: VerdictStatus.CRASHED,
}


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool | None  # None: could not be checked, and `message` says why
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class Verdict:
    """One graded submission.

    `status` is PASSED, FAILED, NOT_ATTEMPTED, or the lesson status of a run that did not
    finish normally (TIMEOUT, SYNTAX_ERROR, REJECTED, ERROR, ...).
    """

    lesson_id: str
    status: VerdictStatus
    message: str  # one line, in the learner's terms
    checks: list[CheckResult] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    stdout: str = ""
    error: ErrorInfo | None = None
    seed: int | None = None  # the data seed, so a run can be reproduced
    # Lists of numbers the learner's code recorded (a training run's `losses`), as they
    # were, NaN and infinities included: what the pictures draw.
    curves: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Accepts the stored string too ("passed"), and refuses a status that is none of these.
        object.__setattr__(self, "status", VerdictStatus(self.status))

    @property
    def passed(self) -> bool:
        return self.status is VerdictStatus.PASSED

    def check_lines(self) -> list[tuple[list[str], bool | None, str]]:
        """The checks as lines to show: (names, passed, message), with neighbours that could
        not be checked for the same reason in one line, so no reason is shown twice."""
        lines: list[tuple[list[str], bool | None, str]] = []
        for check in self.checks:
            last = lines[-1] if lines else None
            if last and check.passed is None and last[1] is None and last[2] == check.message:
                last[0].append(check.name)
            else:
                lines.append(([check.name], check.passed, check.message))
        return lines

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.passed is False]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "lesson": self.lesson_id,
            "status": self.status.value,
            "passed": self.passed,
            "message": self.message,
            "checks": [c.to_json() for c in self.checks],
            "metrics": dict(self.metrics),
            "stdout": self.stdout,
            "error": None if self.error is None else asdict(self.error),
            "seed": self.seed,
            "curves": {name: list(values) for name, values in self.curves.items()},
        }
        encoded: dict[str, Any] = encode_floats(data)
        return encoded
