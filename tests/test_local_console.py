"""The console session in process: commands, pastes, files and error messages."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import ConsoleSession, LineReader, Style
from bot.core import Learner, TutorCore
from lessons import load_course
from sandbox import SandboxUnavailable

COURSE = load_course()
FIRST = COURSE.lessons[0]
ADA = Learner("local", "ada", "Ada")


@pytest.fixture
def solution_after_failures() -> int:
    return 1  # `core` (tests/conftest.py) opens the solution after one wrong answer


async def session(core: TutorCore, script: str) -> str:
    out = io.StringIO()
    reader = LineReader(io.StringIO(script), interactive=False)
    code = await ConsoleSession(core, ADA, reader, out, Style()).run()
    assert code == 0
    return out.getvalue()


async def test_help_unknown_and_usage(core: TutorCore) -> None:
    out = await session(core, "help\nfoo\nshow\nleaderboard 0\nleaderboard\n")
    assert "Commands:" in out and "show N" in out
    assert "I don't know the command “foo”" in out
    assert "Usage: show N" in out
    assert "Usage: leaderboard [PAGE], where PAGE is 1 or more." in out
    assert "Nobody has passed a lesson here yet." in out


async def test_submit_then_paste_until_the_closing_fence(core: TutorCore) -> None:
    out = await session(core, "submit\n" + FIRST.solution + "```\nprogress\n")
    assert "Paste your code" in out
    assert "Lesson 1: Passed" in out
    assert "Ada: 1 of" in out


async def test_an_unclosed_fence_at_end_of_input_is_still_graded(core: TutorCore) -> None:
    out = await session(core, "```python\n" + FIRST.solution)
    assert "Lesson 1: Passed" in out


async def test_submit_a_file_and_a_missing_file(core: TutorCore, tmp_path: Path) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text(f"My answer:\n```py\n{FIRST.solution}```\n", encoding="utf-8")
    out = await session(core, f"submit {tmp_path / 'missing.py'}\nsubmit {answer}\n")
    assert "Can't read" in out and "missing.py: No such file or directory." in out
    assert "Lesson 1: Passed" in out


async def test_hints_then_solution_after_a_failure(core: TutorCore) -> None:
    script = "hint\nsolution\n" + FIRST.fixtures[0].code.rstrip("\n") + "\n```\nsolution\n"
    out = await session(core, script)
    assert f"Hint 1 of {len(FIRST.hints)} for lesson 1" in out
    assert "The solution to lesson 1 opens once you pass it, or after 1 more failed" in out
    assert "Lesson 1: Not yet" in out
    assert "Reference solution for lesson 1" in out
    assert FIRST.solution.splitlines()[0] in out


async def test_a_locked_lesson_is_refused_in_plain_words(core: TutorCore) -> None:
    out = await session(core, "show 2\nlist\n")
    assert "Lesson 2 (“" in out and "is still locked" in out
    assert re.search(r"(?m)^2 +.* +🔒 locked$", out)


async def test_our_own_failure_is_an_apology_with_an_id(
    core: TutorCore, caplog: pytest.LogCaptureFixture
) -> None:
    await core.store.close()  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR):
        out = await session(core, "next\n")
    match = re.search(r"something went wrong on our side \(error ([0-9a-f]{8})\)", out)
    assert match, out
    assert any(match[1] in r.getMessage() and r.exc_info for r in caplog.records)
    assert "Bye!" in out


class NoSandbox:
    """Stands in for a sandbox that cannot start on this machine."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    async def __aenter__(self) -> NoSandbox:
        raise SandboxUnavailable("the sandbox process did not start")

    async def __aexit__(self, *exc: object) -> None:
        return None


def test_local_says_plainly_when_the_sandbox_cannot_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("bot.sandbox_pool.Sandbox", NoSandbox)
    monkeypatch.setattr("sys.stdin", io.StringIO("next\n"))
    args = ["local", "--db", str(tmp_path / "t.db"), "--name", "ada"]
    assert main(["--env-file", "/nonexistent/.env", *args]) == 1
    err = capsys.readouterr().err
    assert "error: the sandbox that runs your code cannot start: the sandbox process did not" in err
    assert "`python -m bot doctor`" in err and "Traceback" not in err


async def test_the_last_hint_promises_nothing_the_solution_policy_may_not_keep(
    core: TutorCore,
) -> None:
    out = await session(core, "hint\n" * len(FIRST.hints))
    assert "Type hint again for a stronger one." in out
    assert out.rstrip().endswith("Bye! Your progress is saved.")
    assert "That was the last hint. Still stuck? solution tells you when the reference" in out
    assert "after a few tries" not in out  # untrue where solutions open only after passing


async def test_a_question_typed_at_the_prompt_is_not_graded(core: TutorCore) -> None:
    out = await session(core, "how do I start?\nnext\n")
    assert "That is neither a command nor Python code." in out
    assert f"Lesson 1 of {len(COURSE)}: {FIRST.title}" in out  # `next` was still a command
    assert await core.store.attempts("local", "ada") == []


async def test_a_chat_style_message_pasted_whole_is_graded(core: TutorCore) -> None:
    message = "Here is my answer:\n```python\n" + FIRST.solution + "```\n"
    out = await session(core, message + "progress\n")
    assert "Lesson 1: Passed" in out
    assert "Ada: 1 of" in out  # the paste ended with its block; `progress` ran


async def test_pasted_code_with_a_typo_gets_the_syntax_error_verdict(core: TutorCore) -> None:
    out = await session(core, "x = (1, 2\ny = 3\n```\n")
    assert "Lesson 1: Syntax Error" in out
    assert "doesn't read as Python" not in out  # not framed as "not code"
    assert re.search(r"SyntaxError on line 1: .*\n    x = \(1, 2\n +\^", out), out
    attempts = await core.store.attempts("local", "ada")
    assert [a.status for a in attempts] == ["syntax_error"]


async def test_an_empty_fence_is_not_an_attempt(core: TutorCore) -> None:
    out = await session(core, "```python\n```\nprogress\n")
    assert "That code block is empty" in out
    assert "Not attempted" not in out
    assert await core.store.attempts("local", "ada") == []
    assert "0 attempts so far" in out


async def test_submit_names_the_size_limit(core: TutorCore, tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 50_000, encoding="utf-8")
    out = await session(core, f"submit {big}\n")
    assert f"{big} is too big: a file can have at most 256 KiB" in out
    assert await core.store.attempts("local", "ada") == []


async def test_submit_reads_a_file_that_is_not_utf8_like_grade_does(
    core: TutorCore, tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.py"
    latin1.write_bytes(b"# caf\xe9: my answer\n" + FIRST.solution.encode())
    out = await session(core, f"submit {latin1}\n")
    assert "Lesson 1: Passed" in out and "codec" not in out


async def test_the_spinner_turns_while_a_submission_is_graded(
    core: TutorCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = iter(["```python", *FIRST.solution.splitlines(), "```"])

    def typed(prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", typed)
    out = io.StringIO()
    reader = LineReader(io.StringIO(), interactive=True)
    await ConsoleSession(core, ADA, reader, out, Style(colour=True)).run()
    lines = iter(["```python", *FIRST.solution.splitlines(), "```"])
    plain = io.StringIO()  # NO_COLOR at a prompt: the status as a line of its own
    await ConsoleSession(core, ADA, reader, plain, Style(colour=False)).run()
    assert "\nGrading…\n" in plain.getvalue() and "\x1b" not in plain.getvalue()
    assert "Grading…" in out.getvalue()  # the status line, drawn while grading
    assert "⠋ Grading…" in out.getvalue() or "⠋\x1b[0m Grading…" in out.getvalue()  # spinner
    assert "Passed" in out.getvalue()


async def test_colour_mode_shows_commands_as_code_not_backticks(core: TutorCore) -> None:
    """The welcome line, the lesson's footer and the verdict's footer are Markdown too."""
    out = io.StringIO()
    script = "next\n" + FIRST.fixtures[0].code.rstrip("\n") + "\n```\nhint\n"
    reader = LineReader(io.StringIO(script), interactive=False)
    assert await ConsoleSession(core, ADA, reader, out, Style(colour=True)).run() == 0
    text = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue()).split())  # no wrapping
    assert "\x1b[" in out.getvalue()
    assert "Type next to start and help for the commands." in text
    assert "Fix it and paste again, or type hint." in text
    assert not re.search(r"(?<!`)`(?!`)", text), text  # only ``` (a fence to type) is left
