"""Terminal rendering: colour only where it is wanted, the same facts either way."""

from __future__ import annotations

import io
import math

import pytest

from bot.console.markdown import render_markdown
from bot.console.standing_text import render_leaderboard
from bot.console.style import Style
from bot.console.verdict_text import MAX_OUTPUT_LINES, render_verdict
from bot.core import LeaderboardEntry, LeaderboardPage
from lessons import CheckResult, Verdict
from sandbox import ErrorInfo

PLAIN = Style(colour=False, unicode=True)
COLOUR = Style(colour=True, unicode=True)
ASCII = Style(colour=False, unicode=False)


class FakeTty(io.StringIO):
    encoding = "utf-8"  # type: ignore[assignment]

    def isatty(self) -> bool:
        return True


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


def test_plain_markdown_keeps_text_and_indents_code() -> None:
    text = "## Title\n\nUse `np.mean` and **square**.\n\n```python\nx = a**2\n```\n"
    assert render_markdown(text, PLAIN) == (
        "Title\n=====\n\nUse `np.mean` and **square**.\n\n    x = a**2"
    )


def test_colour_markdown_styles_code_bold_and_headings() -> None:
    rendered = render_markdown("### Step\nUse `x**2` and **square** it.", COLOUR)
    assert "\x1b[1mStep\x1b[0m" in rendered
    assert "\x1b[36mx**2\x1b[0m" in rendered  # asterisks in code are not emphasis
    assert "\x1b[1msquare\x1b[0m" in rendered
    assert "`" not in rendered and "**square**" not in rendered


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
    text = render_verdict(verdict(), PLAIN, lesson_number=4)
    lines = text.splitlines()
    assert lines[0] == "Lesson 4: Not yet"
    assert "  ✓ mse-value: `mse` averages the squared errors" in lines
    assert "  ✗ gradient: expected 1.5, got 3.0" in lines
    assert "  – loss-down: can't check until `gradient` is right" in lines
    assert "  loss_before = 9.5376   loss_after = inf" in lines


def test_verdict_in_ascii_terminals() -> None:
    text = render_verdict(verdict(), ASCII, lesson_number=4)
    assert "  + mse-value:" in text and "  x gradient:" in text and "  - loss-down:" in text


def test_verdict_shows_the_error_line_and_caret() -> None:
    error = ErrorInfo("SyntaxError", "'(' was never closed", line=3, source_line="x = (", column=5)
    text = render_verdict(
        verdict(status="syntax_error", checks=[], metrics={}, error=error),
        PLAIN,
        lesson_number=1,
    )
    assert "Lesson 1: Syntax Error" in text
    assert "  SyntaxError on line 3: '(' was never closed\n    x = (\n        ^" in text


def test_long_printed_output_is_cut() -> None:
    stdout = "".join(f"step {i}\n" for i in range(MAX_OUTPUT_LINES + 5))
    text = render_verdict(verdict(stdout=stdout), PLAIN, lesson_number=4)
    assert "  | step 0" in text
    assert f"  | step {MAX_OUTPUT_LINES - 1}" in text
    assert f"step {MAX_OUTPUT_LINES}\n" not in text
    assert "… 5 more lines" in text


def test_leaderboard_rows_and_a_page_past_the_end() -> None:
    ada = LeaderboardEntry(1, "ada", "Ada", 2, 3, 1_700_000_000.0)
    bob = LeaderboardEntry(2, "bob", "Bob", 1, 1, 1_700_000_100.0)
    text = render_leaderboard(LeaderboardPage("local", 0, 10, 2, [ada, bob]), PLAIN, me="bob")
    assert text.startswith("Leaderboard (page 1 of 1)")
    assert "  1. Ada" in text and "2 lessons, 3 attempts, last on " in text
    assert "  2. Bob" in text and "1 lesson, 1 attempt, last on " in text
    past_the_end = render_leaderboard(LeaderboardPage("local", 4, 10, 2, []), PLAIN)
    assert past_the_end == "The leaderboard has 1 page: type `leaderboard 1` for the last one."


def test_checks_that_could_not_run_for_one_reason_are_one_line_in_the_terminal() -> None:
    reason = "can't check until your code finishes"
    checks = [CheckResult(name, None, reason) for name in ("a", "b")]
    text = render_verdict(
        Verdict("x", "timeout", "Too slow.", checks=checks), Style(), lesson_number=1
    )
    assert text.count(reason) == 1
    assert "a, b: " + reason in text
