"""Lessons, the lesson list, hints and solutions as terminal renderables."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.console.markdown import markdown, python_code
from bot.console.style import Style
from bot.core import HintView, LessonStatus, LessonView
from lessons import Lesson


def lesson_title(lesson: Lesson, total: int) -> Text:
    return Text(f"Lesson {lesson.number} of {total}: {lesson.title}", style="bold magenta")


def heading(text: str) -> Text:
    return Text(text, style="bold yellow")


def render_lesson(view: LessonView, style: Style) -> RenderableType:
    if view.lesson is None:
        return Group(
            Text("You have completed every lesson in the course. Well done!", style="bold green"),
            markdown("Type `progress` to see your record, or `show N` to revisit a lesson."),
        )
    lesson = view.lesson
    parts: list[RenderableType] = [lesson_title(lesson, view.total_lessons)]
    if view.completed:
        parts.append(Text("You have passed this lesson; submit again to practise.", style="green"))
    elif view.solution_available:
        parts.append(footer("Stuck? The reference solution is open to you: type `solution`."))
    parts += [
        Text(),
        markdown(lesson.explanation),
        Text(),
        heading("Your task"),
        markdown(lesson.task),
        Text(),
        heading("Starter code"),
        python_code(lesson.starter_code),
        Text(),
        footer(
            "Paste your code (end it with a line holding only ``` or with Ctrl-D), "
            "or type `submit path/to/file.py`. `hint` helps, `help` lists commands."
        ),
    ]
    return Group(*parts)


def footer(text: str) -> RenderableType:
    """A dim line of advice; its `commands` are shown as code, not as backticks."""
    return markdown(text, style="dim")


def table(style: Style, *columns: str) -> Table:
    """A table that reads well in colour and as plain text."""
    grid = Table(
        box=box.SIMPLE_HEAD if style.colour else box.SIMPLE,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    for name in columns:
        grid.add_column(name, overflow="fold")
    return grid


def render_list(statuses: list[LessonStatus], style: Style) -> RenderableType:
    rows = table(style, "#", "lesson", "id", "state", "attempts")
    for status in statuses:
        lesson = status.lesson
        if status.completed:
            state = Text(style.symbol("✓ passed", "passed"), style="green")
        elif status.unlocked:
            state = Text("open", style="yellow")
        else:
            state = Text(style.symbol("🔒 locked", "locked"), style="dim")
        rows.add_row(
            str(lesson.number),
            lesson.title,
            lesson.id,
            state,
            str(status.attempts) if status.attempts else "",
        )
    return Group(Text("The course", style="bold"), rows)


def render_hint(hint: HintView, style: Style) -> RenderableType:
    header = heading(f"Hint {hint.tier} of {hint.tiers} for lesson {hint.lesson.number}")
    advice = (
        # True under every solution policy, including "only after passing".
        "That was the last hint. Still stuck? `solution` tells you when the reference "
        "solution opens."
        if hint.is_last
        else "Type `hint` again for a stronger one."
    )
    return Group(header, markdown(hint.text), footer(advice))


def render_solution(lesson: Lesson, code: str, style: Style) -> RenderableType:
    header = heading(f"Reference solution for lesson {lesson.number}")
    return Group(header, python_code(code))
