"""`python -m bot grade`: exit codes, text and JSON output, stdin, several files at once."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from lessons import load_course
from sandbox import RunResult, Sandbox

SEED_LESSON = load_course().get("how-models-learn")
NO_ENV = ["--env-file", "/nonexistent/.env"]


def _grade(*args: str) -> int:
    return main([*NO_ENV, "grade", *args])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    right = tmp_path / "right.md"
    right.write_text(f"Here is my answer:\n```python\n{SEED_LESSON.solution}```\nthanks!\n")
    uphill = tmp_path / "uphill.py"
    uphill.write_text(SEED_LESSON.solution.replace("w = w - lr * grad", "w = w + lr * grad"))
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\ndef mse(a, b)\n    return 0\n")
    return {"right": right, "uphill": uphill, "broken": broken}


def test_all_passing_exits_0(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert _grade("how-models-learn", str(files["right"])) == 0
    out = capsys.readouterr().out
    assert "Passed" in out and "The loss went from" in out


def test_json_lines_one_per_file_in_order(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(files[k]) for k in ("right", "uphill", "broken")]
    assert _grade("4", *paths, "--json", "--seed", "3") == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["file"] for row in rows] == paths
    right, uphill, broken = rows
    for row in rows:
        assert {
            "file",
            "lesson",
            "status",
            "passed",
            "checks",
            "metrics",
            "stdout",
            "error",
        } <= set(row)
        assert row["lesson"] == "how-models-learn"
    assert (right["status"], right["passed"]) == ("passed", True)
    assert set(right["metrics"]) >= {"loss_before", "loss_after"}
    assert uphill["status"] == "failed"
    step = next(c for c in uphill["checks"] if c["name"] == "step")
    assert step["passed"] is False and "stepped uphill" in step["message"]
    assert broken["status"] == "syntax_error"
    assert broken["error"]["line"] == 2
    assert all(c["passed"] is None for c in broken["checks"])


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("```py\n" + SEED_LESSON.starter_code + "```\n"))
    assert _grade("how-models-learn", "-", "--json") == 1
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["file"], row["status"]) == ("-", "not_attempted")


def test_message_without_code_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "chat.md"
    path.write_text("```js\nconsole.log(1)\n```\n")
    assert _grade("how-models-learn", str(path), "--json") == 1
    row = json.loads(capsys.readouterr().out)
    assert row["passed"] is False
    assert row["message"].startswith("I couldn't find any code to grade. That code block isn't")
    empty = tmp_path / "empty.py"
    empty.write_text("\n  \n")
    assert _grade("how-models-learn", str(empty), "--json") == 1
    row = json.loads(capsys.readouterr().out)
    assert (row["status"], row["message"]) == (
        "not_attempted",
        "I couldn't find any code to grade. There is no code in it.",
    )


def test_unknown_lesson_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade("no-such-lesson", str(files["right"])) == 2
    err = capsys.readouterr().err
    assert "no lesson 'no-such-lesson'" in err and "how-models-learn" in err


def test_unreadable_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade("how-models-learn", str(tmp_path / "missing.py")) == 2
    assert "can't read" in capsys.readouterr().err


def test_every_python_fence_style_is_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = SEED_LESSON.solution
    messages = {
        "python3-and-trailing-spaces.md": f"my try:\n```python3   \n{solution}```\n",
        "py.md": f"```py\n{solution}```",
        "untagged.md": f"```\n{solution}```\nthanks",
        "split.md": "first:\n```python\n"
        + solution.replace("\n\n\n", "\n```\nthen:\n```python\n", 1)
        + "```\n",
    }
    paths = []
    for name, text in messages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    assert _grade("how-models-learn", *paths, "--json") == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["file"], row["status"]) for row in rows] == [(p, "passed") for p in paths]


class OverlapOnly:
    """The real sandbox, except that a learner's run waits until another learner's run has
    started: if `grade` ran files one after another, the first would wait in vain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._sandbox = Sandbox(*args, **kwargs)
        self._started = 0
        self._all_started = asyncio.Event()

    async def __aenter__(self) -> OverlapOnly:
        await self._sandbox.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._sandbox.__aexit__(*exc)

    async def run(self, code: str, **kwargs: Any) -> RunResult:
        if code != SEED_LESSON.solution:  # the reference runs beside every file
            self._started += 1
            if self._started == 2:
                self._all_started.set()
            await asyncio.wait_for(self._all_started.wait(), timeout=30)
        return await self._sandbox.run(code, **kwargs)


def test_files_are_graded_concurrently(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("bot.sandbox_pool.Sandbox", OverlapOnly)
    assert _grade("4", str(files["uphill"]), str(files["broken"]), "--json") == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["status"] for row in rows] == ["failed", "syntax_error"]


@pytest.mark.parametrize("seed", ["-1", "abc"])
def test_a_seed_that_is_not_a_whole_number_from_0_is_a_usage_error(
    files: dict[str, Path], seed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _grade("4", str(files["right"]), "--seed", seed)
    assert caught.value.code == 2
    assert f"'{seed}' is not a seed: use a whole number, 0 or more" in capsys.readouterr().err


def test_text_output_prints_the_seed_that_reproduces_the_run(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _grade("4", str(files["uphill"])) == 1
    first = capsys.readouterr().out
    header = first.splitlines()[0]
    assert header.startswith(f"== {files['uphill']} (seed ") and header.endswith(")")
    seed = header.rsplit("(seed ", 1)[1].rstrip(")")
    assert _grade("4", str(files["uphill"]), "--seed", seed) == 1
    assert capsys.readouterr().out == first  # the same data, the same verdict
