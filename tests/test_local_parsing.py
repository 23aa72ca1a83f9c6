"""Telling commands from pasted code in the terminal."""

from __future__ import annotations

import pytest

from bot.console.parsing import (
    BadUsage,
    CodeStart,
    Command,
    Prose,
    Unknown,
    help_text,
    parse_line,
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("next", Command("next", [])),
        ("  NEXT  ", Command("next", [])),
        ("show 3", Command("show", ["3"])),
        ("show how-models-learn", Command("show", ["how-models-learn"])),
        ("hint", Command("hint", [])),
        ("hint 2", Command("hint", ["2"])),
        ("leaderboard 2", Command("leaderboard", ["2"])),
        ("submit my answers/lesson 1.py", Command("submit", ["my answers/lesson 1.py"])),
        ("exit", Command("quit", [])),
        ("?", Command("help", [])),
    ],
)
def test_commands(line: str, expected: Command) -> None:
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "import numpy as np",
        "next = w - lr * grad",
        "list = [1, 2, 3]",
        "show(3)",
        "def mse(y_true, y_pred):",
        "# my answer",
        "pass",
        "w = w - lr * grad",
        "for step in range(3):",
        "@decorated",
        '"""A docstring that goes on',
        "np.mean",
    ],
)
def test_code_starts_a_paste(line: str) -> None:
    assert parse_line(line) == CodeStart(fenced=False)


def test_a_fence_starts_a_fenced_paste() -> None:
    assert parse_line("```python") == CodeStart(fenced=True)
    assert parse_line("  ```") == CodeStart(fenced=True)


def test_blank_lines_are_nothing() -> None:
    assert parse_line("   ") is None


def test_a_stray_word_is_an_unknown_command_not_code() -> None:
    assert parse_line("nxet") == Unknown("nxet")


def test_wrong_arguments_show_the_usage() -> None:
    parsed = parse_line("show")
    assert isinstance(parsed, BadUsage) and parsed.spec.usage == "show N"
    assert isinstance(parse_line("next please"), BadUsage)


def test_help_lists_every_command() -> None:
    text = help_text()
    for name in ("next", "list", "show N", "hint", "solution", "progress", "leaderboard", "quit"):
        assert name in text


@pytest.mark.parametrize(
    "line", ["how do I start?", "I don't get the gradient", "hello there", "print loss_after"]
)
def test_a_sentence_is_prose_not_the_start_of_a_paste(line: str) -> None:
    assert parse_line(line) == Prose(line)
