"""`python -m bot sandbox`, run as a learner or lesson author would from a shell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FENCE = "```"


def _bot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", "/nonexistent", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_runs_files_and_messages_as_json(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text("print(6 * 7)\n")
    message = tmp_path / "message.txt"
    message.write_text(
        f"my answer:\n{FENCE}python\nimport numpy as np\nprint(np.arange(3))\n{FENCE}\n"
    )
    proc = _bot("sandbox", "--json", str(plain), str(message))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(plain), str(message)]
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[0]["stdout"] == "42\n" and rows[1]["stdout"] == "[0 1 2]\n"
    assert all(r["error"] is None and r["wall_ms"] > 0 for r in rows)
    assert all(isinstance(r["message"], str) for r in rows)


def test_failures_exit_one_and_say_why() -> None:
    proc = _bot("sandbox", "--json", "--timeout", "0.5", "-", stdin="while True:\n    pass\n")
    assert proc.returncode == 1
    row = json.loads(proc.stdout)
    assert row["status"] == "timeout"
    # No error for a timeout, but words for it, as RunResult.message has them.
    assert row["error"] is None
    assert "longer than 0.5 s" in row["message"], row["message"]


def test_an_output_limit_has_a_message_in_json() -> None:
    proc = _bot("sandbox", "--json", "-", stdin="while True:\n    print('x' * 1000)\n")
    row = json.loads(proc.stdout)
    assert row["status"] == "output_limit"
    assert "printed more than" in row["message"], row["message"]


def test_error_has_line_and_source_in_text_mode(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\nimport os\n")
    proc = _bot("sandbox", str(bad))
    assert proc.returncode == 1
    assert "rejected" in proc.stdout and "2 | import os" in proc.stdout


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    proc = _bot("sandbox", str(tmp_path / "missing.py"))
    assert proc.returncode == 2
    assert "can't read" in proc.stderr


def test_help_lists_subcommands() -> None:
    proc = _bot("--help")
    assert proc.returncode == 0
    assert "sandbox" in proc.stdout and "doctor" in proc.stdout


def test_files_that_are_not_utf8_run_like_everywhere_else(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.py"
    latin1.write_bytes(b"# caf\xe9\nprint('ok')\n")
    proc = _bot("sandbox", "--json", str(latin1))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["stdout"] == "ok\n"


def test_a_huge_file_is_refused_naming_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 50_000)
    proc = _bot("sandbox", str(big))
    assert proc.returncode == 2
    assert f"error: {big} is too big: a file can have at most 256 KiB" in proc.stderr


def test_local_help_reads_like_the_others() -> None:
    proc = _bot("--help")
    line = next(line for line in proc.stdout.splitlines() if line.strip().startswith("local"))
    description = line.split(None, 1)[1]
    assert description[0].islower() and not description.endswith("."), line
