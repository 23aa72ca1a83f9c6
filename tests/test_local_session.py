"""`python -m bot local` driven through stdin, end to end: the real CLI, course, sandbox and
SQLite file, as a learner would use it from a pipe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lessons import load_course

COURSE = load_course()
FIRST, SECOND, THIRD = COURSE.lessons[:3]
WRONG_SECOND = SECOND.fixtures[0]
TOTAL = len(COURSE)


def run_local(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "FORCE_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,  # no stray .env
        env=env,
        timeout=120,
    )


def in_order(text: str, *needles: str) -> None:
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} not found after position {position} in:\n{text}"
        position = found + len(needle)


def plain(code: str) -> str:
    """Pasted as plain code, ended by a line holding only ```."""
    return code.rstrip("\n") + "\n```\n"


def fenced(code: str) -> str:
    return "```python\n" + code.rstrip("\n") + "\n```\n"


def test_a_scripted_course_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    args = ("local", "--db", str(db), "--name", "ada", "--color", "never")
    script = (
        "next\n"
        + plain(FIRST.solution)
        + "show 3\n"
        + "next\n"
        + fenced(WRONG_SECOND.code)
        + "submit second.py\n"
        + "progress\n"
        + "quit\n"
    )
    (tmp_path / "second.py").write_text(SECOND.solution, encoding="utf-8")
    first = run_local(tmp_path, script, *args)
    assert first.returncode == 0, first.stderr
    in_order(
        first.stdout,
        "Welcome to Gradient Tutor, ada!",
        f"Lesson 1 of {TOTAL}: {FIRST.title}",
        "Lesson 1: Passed",
        f"Lesson 2 “{SECOND.title}” is unlocked.",
        f"Lesson 3 (“{THIRD.title}”) is still locked. Pass lesson 2",
        f"Lesson 2 of {TOTAL}: {SECOND.title}",
        "Lesson 2: Not yet",
        f"✗ {WRONG_SECOND.fails}:",
        "Lesson 2: Passed",
        f"Lesson 3 “{THIRD.title}” is unlocked.",
        f"ada: 2 of {TOTAL} lessons",
        "Bye! Your progress is saved.",
    )
    assert "\x1b[" not in first.stdout  # --color never: plain text

    second = run_local(tmp_path, "progress\nnext\n", *args)
    assert second.returncode == 0, second.stderr
    in_order(
        second.stdout,
        "Welcome back, ada! You have passed 2 of",
        f"ada: 2 of {TOTAL} lessons",
        "3 attempts so far, rank 1 on the leaderboard.",
        f"Lesson 3 of {TOTAL}: {THIRD.title}",
        "Bye!",
    )


def test_code_ending_at_end_of_input_is_graded(tmp_path: Path) -> None:
    result = run_local(
        tmp_path, FIRST.solution, "local", "--db", str(tmp_path / "t.db"), "--color", "never"
    )
    assert result.returncode == 0, result.stderr
    in_order(result.stdout, "Lesson 1: Passed", "Bye!")


def test_plain_python_m_bot_runs_the_local_course(tmp_path: Path) -> None:
    env_file = tmp_path / "custom.env"
    env_file.write_text(f"DATABASE_PATH={tmp_path / 'from-env.sqlite3'}\n", encoding="utf-8")
    result = run_local(tmp_path, "list\n", "--env-file", str(env_file))
    assert result.returncode == 0, result.stderr
    in_order(result.stdout, "The course", f"1   {FIRST.title}", "Bye!")
    assert (tmp_path / "from-env.sqlite3").exists()


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run_local(tmp_path, "next\n", "local", "--db", str(db))
    assert result.returncode == 2
    assert "schema version 999" in result.stderr and "Upgrade Gradient Tutor" in result.stderr


def test_an_unusable_database_path_is_one_clear_line(tmp_path: Path) -> None:
    for db in (tmp_path, tmp_path / "not-a-database.txt"):
        (tmp_path / "not-a-database.txt").write_text("my notes\n" * 20, encoding="utf-8")
        result = run_local(tmp_path, "next\n", "local", "--db", str(db))
        assert result.returncode == 2
        assert f"error: Can't open the database {db}:" in result.stderr
        assert "Traceback" not in result.stderr and "Welcome" not in result.stdout


@pytest.mark.parametrize("stdin_errors", ["strict", "surrogateescape"])
def test_bytes_that_are_not_utf8_in_a_paste_are_graded_not_a_crash(
    tmp_path: Path, stdin_errors: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "FORCE_COLOR")}
    # Python reads stdin strictly under most UTF-8 locales, with escapes under C/POSIX.
    env["PYTHONIOENCODING"] = f"utf-8:{stdin_errors}"
    # A file saved in Latin-1, piped in: its "é" is not UTF-8.
    script = b"next\n# caf\xe9, my answer\n" + FIRST.solution.encode() + b"```\nprogress\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "local", "--db", str(tmp_path / "t.db"), "--name", "ada"],
        input=script,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    out = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr
    assert "went wrong" not in out and b"Traceback" not in result.stderr
    in_order(out, "Lesson 1: Passed", f"ada: 1 of {TOTAL} lessons", "Bye!")


def test_a_profile_name_that_is_not_utf8_still_keeps_progress(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "FORCE_COLOR")}
    name = b"jos\xe9"  # a Latin-1 login name on the command line
    args = [sys.executable, "-m", "bot", "local", "--db", str(tmp_path / "t.db"), "--name"]
    for script in (fenced(FIRST.solution), "progress\n"):
        result = subprocess.run(
            [*(a.encode() for a in args), name],
            input=script.encode(),
            capture_output=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
    out = result.stdout.decode("utf-8", "replace")
    in_order(out, "Welcome back, jos\ufffd!", f"jos\ufffd: 1 of {TOTAL} lessons")


def test_piped_output_has_no_markdown_symbols(tmp_path: Path) -> None:
    """Lessons, the welcome line, verdicts and footers: words, never `**` or backticks."""
    script = "next\n" + fenced(FIRST.fixtures[0].code) + "hint\nlist\nprogress\nnext\n"
    result = run_local(tmp_path, script, "local", "--db", str(tmp_path / "t.db"), "--name", "ada")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out
    assert "NumPy does it on whole arrays" in out  # was "**NumPy** does it…"
    assert "Type next to start and help for the commands." in out
    prose = "\n".join(line for line in out.splitlines() if not line.startswith(" "))
    assert "`" not in prose.replace("```", "")
    assert "**" not in prose


def test_ctrl_c_inside_a_paste_cancels_it_and_keeps_the_session(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "FORCE_COLOR")}
    env["PYTHONIOENCODING"] = "utf-8"
    args = ["local", "--db", str(tmp_path / "t.db"), "--name", "ada", "--color", "never"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"```python\nx = 1\n")  # a paste, not yet closed
    proc.stdin.flush()
    assert b"Welcome" in proc.stdout.readline()  # the session is up and reading
    time.sleep(1.5)  # let it read the paste's first lines and wait for more
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    out, err = proc.communicate(b"progress\nquit\n", timeout=60)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    in_order(
        text,
        "Paste cancelled; nothing was graded.",
        "ada: 0 of",
        "0 attempts so far",
        "Bye! Your progress is saved.",
    )
    assert "Lesson 1:" not in text  # the half paste was not graded
