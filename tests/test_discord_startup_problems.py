"""Starting the bot: an unusable database is one line, and settings reach the bot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.discord_app.runtime import open_tutor_bot


def _run_bot(database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISCORD_TOKEN": "not-a-real-token", "DATABASE_PATH": str(database)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", "/nonexistent", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("kind", ["a folder", "not sqlite"])
def test_an_unusable_database_is_one_line(tmp_path: Path, kind: str) -> None:
    database = tmp_path / "tutor.sqlite3"
    if kind == "a folder":
        database.mkdir()
    else:
        database.write_text("these are my notes, not a database\n")
    proc = _run_bot(database)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    problem = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(problem) == 1 and str(database) in problem[0]
    if kind == "not sqlite":
        assert database.read_text() == "these are my notes, not a database\n"


async def test_the_cooldown_comes_from_the_settings(tmp_path: Path) -> None:
    from bot.settings import Settings

    for seconds in (7.5, 0.0):
        settings = Settings(submission_cooldown_s=seconds, database_path=tmp_path / "t.sqlite3")
        async with open_tutor_bot(settings) as bot:
            assert bot.core._cooldown.seconds == seconds
