"""A graded submission as terminal text: the same checks, messages and metrics the
Discord front end shows."""

from __future__ import annotations

import math

from bot.console.markdown import render_markdown
from bot.console.style import Style
from bot.core import SubmissionOutcome
from lessons import Verdict

MAX_OUTPUT_LINES = 30

_HEADLINES = {
    "passed": ("Passed", "green"),
    "failed": ("Not yet", "red"),
    "not_attempted": ("Not attempted", "yellow"),
}


def render_outcome(outcome: SubmissionOutcome, style: Style) -> str:
    parts = [render_verdict(outcome.verdict, style, lesson_number=outcome.lesson.number)]
    if outcome.course_completed:
        parts.append(style.paint("That was the last lesson: you finished the course!", "bold"))
    elif outcome.unlocked is not None:
        parts.append(
            style.paint(
                f"Lesson {outcome.unlocked.number} “{outcome.unlocked.title}” is unlocked. "
                "Type `next` to start it.",
                "bold",
                "green",
            )
        )
    elif not outcome.verdict.passed:
        parts.append(style.paint("Fix it and paste again, or type `hint`.", "dim"))
    return "\n\n".join(parts)


def render_verdict(verdict: Verdict, style: Style, *, lesson_number: int) -> str:
    word, colour = _HEADLINES.get(verdict.status, (verdict.status.replace("_", " ").title(), "red"))
    lines = [style.paint(f"Lesson {lesson_number}: {word}", "bold", colour)]
    lines.append(render_markdown(verdict.message, style))
    if verdict.checks:
        lines.append("")
        for names, passed, text in verdict.check_lines():
            message = render_markdown(text, style).replace("\n", "\n      ")
            named = ", ".join(style.paint(name, "bold") for name in names)
            lines.append(f"  {style.mark(passed)} {named}: {message}")
    if verdict.metrics:
        lines.append("")
        lines.append("  " + "   ".join(f"{k} = {_number(v)}" for k, v in verdict.metrics.items()))
    if verdict.error is not None:
        error = verdict.error
        where = f" on line {error.line}" if error.line else ""
        lines.append("")
        lines.append(style.paint(f"  {error.type}{where}: {error.message}", "red"))
        if error.source_line:
            lines.append(f"    {error.source_line}")
            if error.column:
                lines.append("    " + " " * (error.column - 1) + "^")
    if verdict.stdout.strip():
        lines.append("")
        lines.append(style.paint("  Your printed output:", "dim"))
        output = verdict.stdout.rstrip("\n").split("\n")
        for line in output[:MAX_OUTPUT_LINES]:
            lines.append(f"  | {line}")
        if len(output) > MAX_OUTPUT_LINES:
            lines.append(f"  | … {len(output) - MAX_OUTPUT_LINES} more lines")
    return "\n".join(lines)


def _number(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if not math.isfinite(value) else f"{value:.6g}"
    return str(value)
