"""Lessons, the lesson list, hints and solutions as terminal text."""

from __future__ import annotations

from bot.console.markdown import render_markdown
from bot.console.style import Style
from bot.core import HintView, LessonStatus, LessonView
from lessons import Lesson


def lesson_title(lesson: Lesson, total: int, style: Style) -> str:
    return style.paint(f"Lesson {lesson.number} of {total}: {lesson.title}", "bold", "magenta")


def render_lesson(view: LessonView, style: Style) -> str:
    if view.lesson is None:
        return (
            style.paint(
                "You have completed every lesson in the course. Well done!", "bold", "green"
            )
            + "\nType `progress` to see your record, or `show N` to revisit a lesson."
        )
    lesson = view.lesson
    parts = [lesson_title(lesson, view.total_lessons, style)]
    if view.completed:
        parts.append(style.paint("You have passed this lesson; submit again to practise.", "green"))
    parts += [
        render_markdown(lesson.explanation, style),
        style.paint("Your task", "bold", "yellow"),
        render_markdown(lesson.task, style),
        style.paint("Starter code", "bold", "yellow"),
        render_markdown(f"```python\n{lesson.starter_code.rstrip()}\n```", style),
        style.paint(
            "Paste your code (end it with a line holding only ``` or with Ctrl-D), "
            "or type `submit path/to/file.py`. `hint` helps, `help` lists commands.",
            "dim",
        ),
    ]
    return "\n\n".join(parts)


def render_list(statuses: list[LessonStatus], style: Style) -> str:
    lines = [style.paint("The course", "bold")]
    for status in statuses:
        lesson = status.lesson
        if status.completed:
            state = style.paint(style.symbol("✓ passed", "passed"), "green")
        elif status.unlocked:
            state = style.paint("open", "yellow")
        else:
            state = style.paint(style.symbol("🔒 locked", "locked"), "dim")
        tries = f", {status.attempts} attempt{'s' * (status.attempts != 1)}"
        lines.append(
            f"  {lesson.number:>2}. {lesson.title} ({lesson.id}) — {state}"
            + (tries if status.attempts else "")
        )
    return "\n".join(lines)


def render_hint(hint: HintView, style: Style) -> str:
    header = style.paint(
        f"Hint {hint.tier} of {hint.tiers} for lesson {hint.lesson.number}", "bold", "yellow"
    )
    footer = (
        # True under every solution policy, including "only after passing".
        "That was the last hint. Still stuck? `solution` tells you when the reference "
        "solution opens."
        if hint.is_last
        else "Type `hint` again for a stronger one."
    )
    return f"{header}\n{render_markdown(hint.text, style)}\n{style.paint(footer, 'dim')}"


def render_solution(lesson: Lesson, code: str, style: Style) -> str:
    header = style.paint(f"Reference solution for lesson {lesson.number}", "bold", "yellow")
    block = "```python\n" + code.rstrip() + "\n```"
    return f"{header}\n{render_markdown(block, style)}"
