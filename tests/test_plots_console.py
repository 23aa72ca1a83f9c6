"""The terminal saves the verdict's loss plot: `plot [FILE]` after a verdict, or every
training verdict at once with `--plots DIR`; the path is printed."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.console import ConsoleSession, LineReader, Style
from bot.console.parsing import CodeStart, Command, parse_line
from bot.core import Learner, TutorCore
from bot.plots import Plotter
from bot.store import SqliteStore
from lessons import load_course
from sandbox import Sandbox

COURSE = load_course()
FIRST = COURSE.lessons[0]
LANDSCAPE = COURSE.get("how-models-learn")
ADA = Learner("local", "ada", "Ada")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[TutorCore]:
    async with SqliteStore(tmp_path / "t.db") as store, Sandbox(workers=2) as sandbox:
        tutor = TutorCore(store, sandbox, COURSE)
        # Straight to the training lesson, as a moderator could open it.
        await tutor.moderation.unlock(ADA, LANDSCAPE.id, actor="test")
        yield tutor


async def session(core: TutorCore, script: str, plot_dir: Path | None = None) -> str:
    out = io.StringIO()
    reader = LineReader(io.StringIO(script), interactive=False)
    async with Plotter() as plotter:
        console = ConsoleSession(
            core, ADA, reader, out, Style(), plotter=plotter, plot_dir=plot_dir
        )
        assert await console.run() == 0
    return out.getvalue()


def fenced(code: str) -> str:
    return "```python\n" + code.rstrip("\n") + "\n```\n"


async def test_plot_saves_the_last_training_verdict(
    core: TutorCore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    script = (
        "plot\n"
        + f"show {LANDSCAPE.number}\n"
        + fenced(LANDSCAPE.solution)
        + "plot out/loss.png\n"
        + "plot\n"
        + "plot named\n"
    )
    out = await session(core, script)
    assert "No plot yet" in out
    assert "Type plot to save this verdict's loss plot as a PNG." in out
    named = tmp_path / "out" / "loss.png"
    assert f"Loss plot of lesson {LANDSCAPE.number} saved to {named}" in out
    assert named.read_bytes().startswith(PNG_MAGIC)
    # Named by the learner's own attempt at the lesson (their first), not a global id.
    (default,) = tmp_path.glob("gradient-tutor-lesson-4-attempt-*.png")
    assert default.name == "gradient-tutor-lesson-4-attempt-1.png"
    assert f"saved to {default}" in out
    assert default.read_bytes() == named.read_bytes()
    assert (tmp_path / "named.png").read_bytes() == named.read_bytes()


async def test_lessons_that_do_not_train_have_no_plot(
    core: TutorCore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = await session(core, fenced(FIRST.solution) + "plot\n")
    assert "Lesson 1: Passed" in out and "No plot yet" in out
    assert "Type plot" not in out
    assert list(tmp_path.glob("*.png")) == []


async def test_plot_dir_saves_every_training_verdict(core: TutorCore, tmp_path: Path) -> None:
    plots = tmp_path / "plots"
    wrong = LANDSCAPE.fixtures[0].code
    out = await session(
        core, f"show {LANDSCAPE.number}\n" + fenced(LANDSCAPE.solution) + fenced(wrong), plots
    )
    saved = sorted(plots.glob("*.png"))
    assert len(saved) == 2
    for path in saved:
        assert f"saved to {path}" in out
        assert path.read_bytes().startswith(PNG_MAGIC)


async def test_an_unwritable_plot_path_is_explained(core: TutorCore, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = await session(
        core, f"show {LANDSCAPE.number}\n" + fenced(LANDSCAPE.solution) + f"plot {blocker}/x.png\n"
    )
    assert f"I couldn't write {blocker}/x.png" in out


def test_plot_is_a_command_but_assignment_to_plot_is_code() -> None:
    assert parse_line("plot") == Command("plot", [])
    assert parse_line("plot out/my loss.png") == Command("plot", ["out/my loss.png"])
    assert isinstance(parse_line("plot = make_plot()"), CodeStart)
    assert isinstance(parse_line("submit += 1"), CodeStart)


def test_local_plots_option_is_documented() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "local", "--help"], capture_output=True, text=True, check=True
    )
    assert "--plots DIR" in result.stdout
