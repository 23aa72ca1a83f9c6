"""`python -m bot lessons`: the course in order, as text or JSON."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from lessons import load_course

NO_ENV = ["--env-file", "/nonexistent/.env"]


def test_text_lists_every_lesson_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*NO_ENV, "lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(load_course())
    assert lines[3].split() == ["4.", "how-models-learn", "How", "models", "learn"]


def test_json_has_id_title_and_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*NO_ENV, "lessons", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows] == [lesson.id for lesson in load_course()]
    assert rows[0] == {
        "number": 1,
        "id": "numpy-basics",
        "title": "NumPy basics",
        "order": 1,
        "trains": False,
    }
    assert [row["order"] for row in rows] == sorted(row["order"] for row in rows)
