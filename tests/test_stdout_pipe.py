"""`python -m bot ... | head` ends quietly: no BrokenPipeError traceback, the shell's code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_local_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    # Far more output than a pipe buffers, so the bot is still writing when the reader leaves.
    commands = "list\n" * 400
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            str(tmp_path / "absent.env"),
            "local",
            "--name",
            "pipe",
            "--db",
            str(tmp_path / "t.sqlite3"),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(commands.encode())
    process.stdin.close()
    first_two = [process.stdout.readline(), process.stdout.readline()]
    process.stdout.close()  # what `head -2` does after its second line
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert process.wait(timeout=120) == 141, stderr
    assert first_two[0].startswith(b"Welcome to Gradient Tutor, pipe!")
    assert stderr == ""
