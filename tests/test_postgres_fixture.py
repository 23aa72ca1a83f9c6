"""The PostgreSQL fixture without a server: the tests that need one are skipped saying why,
except in CI (CI=true), where that is a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def pytest_without_postgres(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "CI")}
    env |= {"POSTGRES_BIN": str(tmp_path), "CI": ci}  # a folder without initdb
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/test_store_shared.py",
            "-k",
            "dead_process",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


def test_without_postgres_the_tests_skip_saying_why(tmp_path: Path) -> None:
    result = pytest_without_postgres(tmp_path, ci="")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout  # SQLite ran; PostgreSQL was skipped
    assert "PostgreSQL tests skipped: no PostgreSQL server binaries" in result.stdout


def test_in_ci_a_missing_postgres_fails(tmp_path: Path) -> None:
    result = pytest_without_postgres(tmp_path, ci="true")
    assert result.returncode != 0, result.stdout
    assert "PostgreSQL is required in CI" in result.stdout
