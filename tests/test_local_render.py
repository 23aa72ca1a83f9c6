"""Terminal rendering with rich: colour and Markdown on a terminal, clean plain text when
piped or with NO_COLOR, and the same facts either way."""

from __future__ import annotations

import io
import math
import re

import pytest
from rich.console import RenderableType

from bot.console.lessons_text import render_lesson, render_list
from bot.console.markdown import markdown, message, python_code
from bot.console.output import Output
from bot.console.standing_text import render_leaderboard, render_progress
from bot.console.style import Style
from bot.console.verdict_text import HEAD_LINES, TAIL_LINES, output_excerpt, render_verdict
from bot.core import (
    LeaderboardEntry,
    LeaderboardPage,
    Learner,
    LessonStatus,
    LessonView,
    ProgressView,
)
from lessons import CheckResult, Verdict, load_course
from sandbox import ErrorInfo

PLAIN = Style(colour=False, unicode=True)
COLOUR = Style(colour=True, unicode=True)
ASCII = Style(colour=False, unicode=False)
COURSE = load_course()
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class FakeTty(io.StringIO):
    encoding = "utf-8"  # type: ignore[assignment]

    def isatty(self) -> bool:
        return True


def shown(item: RenderableType, style: Style = PLAIN) -> str:
    out = io.StringIO()
    Output(out, style, width=120).show(item)
    return out.getvalue()


def test_colour_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert not Style.for_stream(io.StringIO()).colour
    assert Style.for_stream(FakeTty()).colour
    assert Style.for_stream(FakeTty()).unicode
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Style.for_stream(FakeTty()).colour
    assert Style.for_stream(FakeTty(), colour=True).colour  # --color always wins
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert Style.for_stream(io.StringIO()).colour


def test_no_color_on_a_terminal_writes_no_escape_codes_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    tty = FakeTty()
    Output(tty, Style.for_stream(tty)).show(markdown("## Title\n\nUse **bold** `np.mean`."))
    assert "\x1b" not in tty.getvalue()
    assert "Use bold np.mean." in tty.getvalue()


def test_plain_markdown_keeps_the_words_and_drops_the_symbols() -> None:
    text = "### Title\n\nUse `np.mean` and **square**, *gently*.\n\n```python\nx = a**2\n```\n"
    out = shown(markdown(text))
    assert "Title" in out and "Use np.mean and square, gently." in out
    assert "    " not in out.replace(" x = a**2", "")  # code is indented once, no padding
    assert " x = a**2" in out  # code keeps its own asterisks
    assert "**square**" not in out and "`" not in out and "#" not in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_colour_markdown_highlights_code_and_drops_the_symbols() -> None:
    out = shown(
        markdown("### Step\n\nUse `x**2` and **square** it.\n\n```python\nw = 1\n```"), COLOUR
    )
    assert "\x1b[" in out
    text = ESCAPE.sub("", out)
    assert "Use x**2 and square it." in text  # asterisks in code are not emphasis
    assert "`" not in text and "**square**" not in text
    assert "\x1b[1msquare\x1b[0m" in out


def test_a_message_shows_fence_mentions_as_something_to_type() -> None:
    text = "End it with a line holding only ``` (or Ctrl-D), or type `help`."
    for style in (PLAIN, COLOUR):
        out = ESCAPE.sub("", shown(message(text), style))
        assert "End it with a line holding only ``` (or Ctrl-D), or type help." in out


def test_every_lesson_piped_has_no_markdown_symbols() -> None:
    for lesson in COURSE:
        out = shown(render_lesson(LessonView(lesson, len(COURSE), False), PLAIN))
        prose = re.sub(r"(?m)^ .*$", "", out)  # code blocks are indented by one space
        assert not re.search(r"\*\*\w[^*\n]*\*\*", prose), lesson.id  # no **bold** left
        assert "`" not in prose.replace("```", ""), lesson.id
        assert "\x1b" not in out


def test_an_open_solution_is_pointed_out_until_the_lesson_is_passed() -> None:
    lesson = COURSE.lessons[0]
    hint = "Stuck? The reference solution is open to you: type solution."
    stuck = shown(render_lesson(LessonView(lesson, len(COURSE), solution_available=True), PLAIN))
    assert hint in stuck
    assert hint not in shown(render_lesson(LessonView(lesson, len(COURSE)), PLAIN))
    passed = LessonView(lesson, len(COURSE), completed=True, solution_available=True)
    assert hint not in shown(render_lesson(passed, PLAIN))


def verdict(**overrides: object) -> Verdict:
    fields: dict[str, object] = {
        "lesson_id": "how-models-learn",
        "status": "failed",
        "message": "1 of 3 checks passed.",
        "checks": [
            CheckResult("mse-value", True, "`mse` averages the squared errors"),
            CheckResult("gradient", False, "expected 1.5, got 3.0"),
            CheckResult("loss-down", None, "can't check until `gradient` is right"),
        ],
        "metrics": {"loss_before": 9.5376, "loss_after": math.inf},
    }
    fields.update(overrides)
    return Verdict(**fields)  # type: ignore[arg-type]


def test_verdict_shows_checks_marks_and_metrics() -> None:
    lines = shown(render_verdict(verdict(), PLAIN, lesson_number=4)).splitlines()
    assert lines[0] == "Lesson 4: Not yet"
    assert "  ✓ mse-value: mse averages the squared errors" in lines
    assert "  ✗ gradient:  expected 1.5, got 3.0" in lines
    assert "  – loss-down: can't check until gradient is right" in lines
    assert "  loss_before = 9.5376   loss_after = inf" in lines


def test_verdict_in_ascii_terminals() -> None:
    text = shown(render_verdict(verdict(), ASCII, lesson_number=4))
    assert "  + mse-value:" in text and "  x gradient:" in text and "  - loss-down:" in text


def test_verdict_shows_the_error_line_and_caret() -> None:
    error = ErrorInfo("SyntaxError", "'(' was never closed", line=3, source_line="x = (", column=5)
    text = shown(
        render_verdict(
            verdict(status="syntax_error", checks=[], metrics={}, error=error),
            PLAIN,
            lesson_number=1,
        )
    )
    assert "Lesson 1: Syntax Error" in text
    assert "  SyntaxError on line 3: '(' was never closed\n    x = (\n        ^" in text


def test_long_printed_output_shows_its_first_and_last_lines() -> None:
    stdout = "".join(f"step {i}\n" for i in range(100))
    text = shown(render_verdict(verdict(stdout=stdout), PLAIN, lesson_number=4))
    assert "  | step 0\n" in text and f"  | step {HEAD_LINES - 1}\n" in text
    assert f"  | step {HEAD_LINES}\n" not in text
    assert f"… {100 - HEAD_LINES - TAIL_LINES} more lines …" in text
    assert f"  | step {100 - TAIL_LINES}\n" in text and "  | step 99\n" in text


def test_an_output_limit_on_one_long_line_is_an_excerpt() -> None:
    stdout = "a" * 100 + "x" * 16_000 + "z" * 100  # 16 KB printed without a newline
    (line,) = output_excerpt(stdout)
    assert len(line) < 200
    assert line.startswith("a" * 50) and line.endswith("z" * 25)
    assert f"… {len(stdout) - 75:,} more characters …" in line
    text = shown(
        render_verdict(verdict(status="output_limit", stdout=stdout), PLAIN, lesson_number=5)
    )
    assert "x" * 200 not in text


def test_list_and_progress_are_tables_and_a_passed_lesson_is_not_current() -> None:
    first, second = COURSE.lessons[:2]
    statuses = [
        LessonStatus(lesson, unlocked=i < 2, completed=i == 0, attempts=3 if i == 0 else 0)
        for i, lesson in enumerate(COURSE.lessons)
    ]
    table = shown(render_list(statuses, PLAIN))
    assert re.search(rf"(?m)^ *1 +{re.escape(first.title)} +{first.id} +✓ passed +3$", table)
    assert re.search(rf"(?m)^ *2 +{re.escape(second.title)} +{second.id} +open *$", table)
    assert "🔒 locked" in table
    # The learner just passed lesson 1, which is still their current lesson in the store.
    view = ProgressView(Learner("local", "ada", "Ada"), statuses, current=first, rank=1)
    progress = shown(render_progress(view, PLAIN))
    assert "Current lesson: 1." not in progress
    assert f"Next lesson: 2. {second.title} (type next)" in progress
    working = ProgressView(Learner("local", "ada", "Ada"), statuses, current=second, rank=1)
    assert f"Current lesson: 2. {second.title}" in shown(render_progress(working, PLAIN))


def test_leaderboard_rows_and_a_page_past_the_end() -> None:
    ada = LeaderboardEntry(1, "ada", "Ada", 2, 3, 1_700_000_000.0)
    bob = LeaderboardEntry(2, "bob", "Bob", 1, 1, 1_700_000_100.0)
    text = shown(render_leaderboard(LeaderboardPage("local", 0, 10, 2, [ada, bob]), PLAIN))
    assert text.startswith("Leaderboard (page 1 of 1)")
    assert re.search(r"(?m)^ *rank +learner +lessons +attempts +last passed$", text)
    assert re.search(r"(?m)^ *1 +Ada +2 +3 +\d{4}-\d\d-\d\d \d\d:\d\d$", text)
    assert re.search(r"(?m)^ *2 +Bob +1 +1 +\d{4}-\d\d-\d\d \d\d:\d\d$", text)
    past_the_end = shown(render_leaderboard(LeaderboardPage("local", 4, 10, 2, []), PLAIN))
    assert past_the_end == "The leaderboard has 1 page: type leaderboard 1 for the last one.\n\n"


def test_code_in_colour_is_syntax_highlighted() -> None:
    out = shown(python_code("import numpy as np\nw = w - lr * grad  # step"), COLOUR)
    keyword = re.search(r"\x1b\[([0-9;]+)mimport\x1b\[0m", out)
    name = re.search(r"\x1b\[([0-9;]+)mnumpy\x1b\[0m", out)
    comment = re.search(r"\x1b\[([0-9;]+)m# step\x1b\[0m", out)
    assert keyword and name and comment, out
    assert len({keyword[1], name[1], comment[1]}) == 3  # keyword, name and comment differ


def test_checks_that_could_not_run_for_one_reason_are_one_line_in_the_terminal() -> None:
    reason = "can't check until your code finishes"
    checks = [CheckResult(name, None, reason) for name in ("a", "b")]
    text = shown(
        render_verdict(Verdict("x", "timeout", "Too slow.", checks=checks), PLAIN, lesson_number=1)
    )
    assert text.count(reason) == 1
    assert re.search(r"a, b: +" + reason, text), text
