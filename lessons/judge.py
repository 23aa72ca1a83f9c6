"""Turn a learner's run and the reference run on the same data into a verdict. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lessons.checking import Context, not_checked, run_checks
from lessons.expect import fmt, is_number
from lessons.lesson import Lesson
from lessons.verdict import Verdict, VerdictStatus
from sandbox.result import ErrorInfo, RunResult, Status

MAX_CURVE = 2000  # points of a recorded curve kept for the picture

_DEFAULT_STATUS_TEXT = {
    Status.TIMEOUT: "Your code ran too long and was stopped. Look for a loop that never ends.",
    Status.MEMORY: "Your code used too much memory and was stopped. Are your arrays huge?",
    Status.OUTPUT_LIMIT: "Your code printed too much and was stopped. Print less.",
    Status.REJECTED: "That code isn't allowed here.",
    Status.CRASHED: "Your code stopped unexpectedly.",
}


def is_unchanged_starter(lesson: Lesson, code: str) -> bool:
    """Blank code, or the starter with nothing but comments and whitespace changed."""
    return _meaningful_lines(code) in ([], _meaningful_lines(lesson.starter_code))


def _meaningful_lines(code: str) -> list[str]:
    lines = (line.strip() for line in code.replace("\r\n", "\n").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def not_attempted(lesson: Lesson, *, seed: int | None, reason: str | None = None) -> Verdict:
    message = reason or "Not attempted yet: the starter code is unchanged. Fill in the `...` parts."
    return Verdict(
        lesson_id=lesson.id,
        status=VerdictStatus.NOT_ATTEMPTED,
        message=message,
        checks=not_checked(lesson.checks, "not attempted yet"),
        seed=seed,
    )


def judge(
    lesson: Lesson,
    run: RunResult,
    reference: RunResult,
    data: Mapping[str, Any],
    seed: int,
    *,
    code: str = "",
) -> Verdict:
    if not run.ok:
        return _unfinished(lesson, run, data, seed)
    ctx = Context(data=data, got=run.probes, want=reference.probes, stdout=run.stdout, code=code)
    checks = run_checks(lesson.checks, ctx)
    metrics = _metrics(lesson, run)
    passed = all(c.passed for c in checks)
    if passed:
        message = f"All {len(checks)} checks passed."
        if "loss_before" in metrics and "loss_after" in metrics:
            message += (
                f" The loss went from {fmt(metrics['loss_before'])}"
                f" to {fmt(metrics['loss_after'])}."
            )
    else:  # the checks below say what is wrong: the summary only counts and points
        first = next((c for c in checks if c.passed is False), checks[0])
        count = sum(1 for c in checks if c.passed)
        message = f"{count} of {len(checks)} checks passed. Start with {first.name}."
    return Verdict(
        lesson_id=lesson.id,
        status=VerdictStatus.PASSED if passed else VerdictStatus.FAILED,
        message=message,
        checks=checks,
        metrics=metrics,
        stdout=run.stdout,
        seed=seed,
        curves=_curves(lesson, run),
    )


def _metrics(lesson: Lesson, run: RunResult) -> dict[str, float]:
    metrics = {}
    for name in lesson.metrics:
        probe = run.probes.get(name)
        if probe is not None and probe.ok and is_number(probe):
            metrics[name] = float(probe.value)
    return metrics


def _curves(lesson: Lesson, run: RunResult) -> dict[str, tuple[float, ...]]:
    """Each curve the learner recorded as a flat list of numbers, at most MAX_CURVE long."""
    curves = {}
    for name in lesson.curves:
        probe = run.probes.get(name)
        if probe is None or not probe.ok or probe.kind not in ("list", "tuple", "ndarray"):
            continue
        values = probe.value
        if isinstance(values, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            curves[name] = tuple(float(v) for v in values[:MAX_CURVE])
    return curves


def _unfinished(lesson: Lesson, run: RunResult, data: Mapping[str, Any], seed: int) -> Verdict:
    if run.status in (Status.ERROR, Status.SYNTAX_ERROR) and run.error is not None:
        message = _one_line(describe_error(run.error, data, details=False))
        reason = "can't check until your code runs without an error"
    elif run.status is Status.REJECTED:  # refused before it ran: "finishes" would puzzle
        message = run.message or _DEFAULT_STATUS_TEXT[Status.REJECTED]
        reason = "can't check until the sandbox accepts your code"
    else:
        message = run.message or _DEFAULT_STATUS_TEXT.get(run.status, "Your code did not finish.")
        reason = "can't check until your code finishes"
    return Verdict(
        lesson_id=lesson.id,
        status=VerdictStatus.of_unfinished_run(run.status),
        message=message,
        checks=not_checked(lesson.checks, reason),
        stdout=run.stdout,
        error=run.error,
        seed=seed,
    )


def _one_line(text: str) -> str:
    """Verdict messages are one line; a learner's exception text may not be."""
    return " ".join(text.split())


def describe_error(error: ErrorInfo, data: Mapping[str, Any], *, details: bool = True) -> str:
    """The error in one line, with advice for the mistakes beginners make most.

    Without `details`, the error's own text and source line are left out: a verdict carries
    the error beside its message, and front ends show it there, so it is not said twice.
    """
    where = f" on line {error.line}" if error.line is not None else ""
    if error.source_line and details:
        where += f" (`{error.source_line.strip()}`)"
    verb = "has a" if error.type in ("SyntaxError", "IndentationError", "TabError") else "raised"
    headline = f"Your code {verb} {error.type}{where}"
    headline += f": {error.message}" if details else ""
    advice = _advice(error, data)
    return f"{headline}. {advice}" if advice else headline + ("" if details else ".")


def _advice(error: ErrorInfo, data: Mapping[str, Any]) -> str | None:
    if error.type == "NameError":
        match = re.search(r"name '([^']+)' is not defined", error.message)
        if match and match.group(1) == "np":
            return "Add `import numpy as np` at the top: `np` is not predefined."
        if data:
            names = ", ".join(f"`{n}`" for n in data)
            return f"The predefined names in this lesson are {names}."
        return None
    if "ellipsis" in error.message:
        return "A `...` placeholder is still in your code: replace it with your own."
    if error.type == "ValueError" and "truth value of an array" in error.message:
        return (
            "An `if` (or Python's `max`) asks one yes-or-no question, but an array holds many "
            "values, each with its own answer. Work element by element with NumPy: "
            "`np.maximum(0, z)` instead of `if z < 0`."
        )
    if error.type == "ValueError" and "core dimension" in error.message:
        return (
            "Check the shapes with `print(A.shape)`: in `A @ B` the number of columns of `A` "
            "must equal the number of rows of `B`."
        )
    if error.type == "ValueError" and "could not be broadcast" in error.message:
        return (
            "Element-wise arithmetic needs arrays of matching shapes: print them with "
            "`print(a.shape)`."
        )
    return None
