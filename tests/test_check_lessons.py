"""`python -m bot check-lessons`, and the validator catching a broken lesson."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from lessons import load_course
from lessons.course import LESSONS_DIR, read_course
from lessons.loading import Fixture
from lessons.validation import MIN_FIXTURES, _markup_problem, _static_problems, validate_lesson
from sandbox import Sandbox
from tests.sandbox_support import sandbox_fixture

sandbox = sandbox_fixture()
LESSON = load_course().get("how-models-learn")


def test_the_shipped_course_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--env-file", "/nonexistent/.env", "check-lessons", "--seeds", "1", "--sweep", "20"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    count = len(load_course())
    assert f"{count} of {count} lessons ok" in out
    assert "ok    4. how-models-learn: reference passes on 1 seed, " in out


def test_seeds_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env-file", "/nonexistent/.env", "check-lessons", "--seeds", "0"]) == 2


@pytest.mark.asyncio(loop_scope="module")
async def test_a_fixture_that_passes_is_reported(sandbox: Sandbox) -> None:
    passing = Fixture("not_wrong_at_all", LESSON.solution, "mse-value", "summed")
    lesson = dataclasses.replace(LESSON, fixtures=(*LESSON.fixtures, passing))
    report = await validate_lesson(lesson, sandbox, seeds=(1,))
    assert not report.ok
    [problem] = report.problems
    assert problem.startswith(
        "seed 1: fixture not_wrong_at_all: should fail 'mse-value', but it passes. "
        "Verdict: All 7 checks passed."
    )


@pytest.mark.asyncio(loop_scope="module")
async def test_a_fixture_without_its_diagnosis_is_reported(sandbox: Sandbox) -> None:
    vague = dataclasses.replace(LESSON.fixtures[0], expect="a message no check ever writes")
    lesson = dataclasses.replace(LESSON, fixtures=(vague, *LESSON.fixtures[1:]))
    report = await validate_lesson(lesson, sandbox, seeds=(1,))
    assert len(report.problems) == 1
    assert "fails without saying 'a message no check ever writes'" in report.problems[0]


@pytest.mark.asyncio(loop_scope="module")
async def test_broken_reference_and_too_few_hints_are_reported(sandbox: Sandbox) -> None:
    lesson = dataclasses.replace(LESSON, solution="raise ValueError('oops')\n", hints=["one"])
    report = await validate_lesson(lesson, sandbox, seeds=(1,))
    assert "needs at least two hints" in report.problems
    assert any("reference solution of 'how-models-learn' failed" in p for p in report.problems)


@pytest.mark.parametrize(
    ("part", "text", "problem"),
    [
        ("explanation", "The loss is $L = \\frac{1}{n} \\sum e^2$.", "uses LaTeX"),
        ("task", "Compute \\(w - \\eta g\\).", "uses LaTeX"),
        ("hints", "The slope is $\\partial L / \\partial w$.", "uses LaTeX"),
        ("explanation", "#### A deep heading", "uses a #### heading or a table"),
        ("task", "| name | shape |\n|---|---|\n| W1 | (3, 4) |", "uses a #### heading or a table"),
    ],
)
@pytest.mark.asyncio(loop_scope="module")
async def test_text_discord_cannot_render_is_reported(
    part: str, text: str, problem: str, sandbox: Sandbox
) -> None:
    if part == "hints":
        lesson = dataclasses.replace(LESSON, hints=[*LESSON.hints, text])
    else:
        lesson = dataclasses.replace(LESSON, **{part: getattr(LESSON, part) + "\n\n" + text})
    report = await validate_lesson(lesson, sandbox, seeds=(1,))
    assert report.problems == [f"{problem}, which Discord does not render"]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_fixture_without_an_expected_diagnosis_is_reported(sandbox: Sandbox) -> None:
    silent = dataclasses.replace(LESSON.fixtures[0], expect=None)
    lesson = dataclasses.replace(LESSON, fixtures=(silent, *LESSON.fixtures[1:]))
    report = await validate_lesson(lesson, sandbox, seeds=(1,))
    assert report.problems == [
        f"fixture {silent.name} has no '# expect:' line naming the diagnosis it must get"
    ]


def test_a_lesson_folder_that_cannot_be_read_is_a_failure_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "how_models_learn"
    shutil.copytree(LESSONS_DIR / "how_models_learn", broken)
    (broken / "task.md").unlink()
    monkeypatch.setattr("bot.commands.check_lessons.load_course", lambda: read_course(tmp_path))
    assert main(["--env-file", "/nonexistent/.env", "check-lessons", "--seeds", "1"]) == 1
    out = capsys.readouterr().out
    assert f"FAIL  the course can't be read: {broken / 'task.md'} is missing" in out


def test_a_lesson_with_too_few_mistakes_or_a_fallback_expectation_is_reported() -> None:
    fallback = dataclasses.replace(LESSON.fixtures[0], expect="is 3, expected 2")
    lesson = dataclasses.replace(LESSON, fixtures=(fallback,))
    problems = _static_problems(lesson, (1,))
    assert f"has 1 fixtures of typical wrong submissions; it needs at least {MIN_FIXTURES}" in (
        problems
    )
    assert any("expects the fallback" in p for p in problems)


@pytest.mark.parametrize(
    "message",
    ["`x` is 1, expected 2: use `np.mean", "``W1` from train(W1, b1, W2, b2, lr, 5)` is 1"],
)
def test_messages_that_break_inline_code_are_reported(message: str) -> None:
    assert _markup_problem(message) is not None
    assert _markup_problem("`x` is 1, expected 2: use `np.mean(a)`.") is None
