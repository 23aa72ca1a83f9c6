"""A graded submission as terminal renderables: the same checks, messages and metrics the
Discord front end shows."""

from __future__ import annotations

import math

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from bot.console.lessons_text import footer
from bot.console.markdown import markdown
from bot.console.style import Style
from bot.core import SubmissionOutcome
from lessons import Verdict

# Printed output is shown as an excerpt: its first and last lines, and how much was cut.
HEAD_LINES = 10
TAIL_LINES = 5
MAX_LINE_CHARS = 100

_HEADLINES = {
    "passed": ("Passed", "green"),
    "failed": ("Not yet", "red"),
    "not_attempted": ("Not attempted", "yellow"),
}


def render_outcome(outcome: SubmissionOutcome, style: Style) -> RenderableType:
    parts = [render_verdict(outcome.verdict, style, lesson_number=outcome.lesson.number)]
    if outcome.course_completed:
        parts.append(Text("That was the last lesson: you finished the course!", style="bold"))
    elif outcome.unlocked is not None:
        parts.append(
            markdown(
                f"Lesson {outcome.unlocked.number} “{outcome.unlocked.title}” is unlocked. "
                "Type `next` to start it.",
                style="bold green",
            )
        )
    elif not outcome.verdict.passed:
        parts.append(footer("Fix it and paste again, or type `hint`."))
    return Group(*_separated(parts))


def render_verdict(verdict: Verdict, style: Style, *, lesson_number: int) -> RenderableType:
    word, colour = _HEADLINES.get(verdict.status, (verdict.status.replace("_", " ").title(), "red"))
    parts: list[RenderableType] = [
        Text(f"Lesson {lesson_number}: {word}", style=f"bold {colour}"),
        markdown(verdict.message),
    ]
    if verdict.checks:
        checks = Table.grid(padding=(0, 1))
        checks.add_column(width=1)
        checks.add_column(no_wrap=True)
        checks.add_column(ratio=1)
        # Checks that could not run for one reason share a line, so no reason shows twice.
        for names, passed, text in verdict.check_lines():
            name = Text(f"{', '.join(names)}:", style="bold")
            checks.add_row(style.mark(passed), name, markdown(text))
        parts.append(_indented(checks))
    if verdict.metrics:
        metrics = "   ".join(f"{k} = {_number(v)}" for k, v in verdict.metrics.items())
        parts.append(Text("  " + metrics))
    if verdict.error is not None:
        parts.append(_error(verdict))
    if verdict.stdout.strip():
        printed = Text("  Your printed output:", style="dim")
        excerpt = Text("\n".join(f"  | {line}" for line in output_excerpt(verdict.stdout)))
        parts.append(Group(printed, excerpt))
    return Group(*parts[:2], *_separated([Text(), *parts[2:]])[1:])


def _error(verdict: Verdict) -> RenderableType:
    error = verdict.error
    assert error is not None
    where = f" on line {error.line}" if error.line else ""
    lines = [Text(f"  {error.type}{where}: {error.message}", style="red")]
    if error.source_line:
        lines.append(Text(f"    {error.source_line}"))
        if error.column:
            lines.append(Text("    " + " " * (error.column - 1) + "^"))
    return Group(*lines)


def output_excerpt(stdout: str) -> list[str]:
    """The first and last lines of what the code printed, each cut to a readable length,
    with a count of whatever was left out in between."""
    lines = stdout.rstrip("\n").split("\n")
    if len(lines) > HEAD_LINES + TAIL_LINES:
        cut = len(lines) - HEAD_LINES - TAIL_LINES
        lines = [
            *lines[:HEAD_LINES],
            f"… {cut} more line{'s' * (cut != 1)} …",
            *lines[-TAIL_LINES:],
        ]
    return [_clipped(line) for line in lines]


def _clipped(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    head, tail = MAX_LINE_CHARS // 2, MAX_LINE_CHARS // 4
    cut = len(line) - head - tail
    return f"{line[:head]} … {cut:,} more characters … {line[-tail:]}"


def _indented(renderable: RenderableType) -> RenderableType:
    return Padding(renderable, (0, 0, 0, 2))


def _separated(parts: list[RenderableType]) -> list[RenderableType]:
    """The parts with a blank line between each two."""
    spaced: list[RenderableType] = []
    for part in parts:
        spaced += [Text(), part] if spaced else [part]
    return spaced


def _number(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if not math.isfinite(value) else f"{value:.6g}"
    return str(value)
