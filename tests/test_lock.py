"""requirements.lock matches pyproject.toml, and the check CI runs notices when it doesn't."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "tools" / "check_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _checker()


def test_the_committed_lock_matches_pyproject() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_lock.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout
    assert check.problems(PYPROJECT, LOCK) == []


def test_the_lock_pins_the_bounds_the_guards_rely_on() -> None:
    versions, unhashed, _ = check.pins(LOCK)
    assert all(v.major == 9 for v in versions["restrictedpython"])
    assert all(v.major == 2 and v.minor >= 2 for v in versions["numpy"])
    assert not unhashed
    assert '"RestrictedPython>=9,<10"' in PYPROJECT and '"numpy>=2.2,<3"' in PYPROJECT


def test_a_dependency_added_to_pyproject_is_missing_from_the_lock() -> None:
    edited = PYPROJECT.replace('"rich>=13.7",', '"rich>=13.7",\n    "sqlalchemy>=2.0",')
    assert check.problems(edited, LOCK) == ["sqlalchemy is in pyproject.toml but not in the lock"]


def test_a_tightened_bound_no_longer_fits_the_pin() -> None:
    edited = PYPROJECT.replace('"rich>=13.7"', '"rich>=99"')
    (problem,) = check.problems(edited, LOCK)
    assert problem.startswith("rich is locked at ") and problem.endswith("outside rich>=99")


def test_a_dependency_removed_from_pyproject_is_noticed() -> None:
    edited = PYPROJECT.replace('    "rich>=13.7",\n', "")
    assert check.problems(edited, LOCK) == [
        "rich is locked as a dependency of pyproject.toml, which no longer has it"
    ]


def test_a_pin_without_hashes_is_refused() -> None:
    unhashed = "rich==15.0.0\n    # via gradient-tutor (pyproject.toml)\n"
    start = LOCK.index("rich==")
    end = LOCK.index("\n", LOCK.index("# via", start)) + 1
    edited = LOCK[:start] + unhashed + LOCK[end:]
    assert check.problems(PYPROJECT, edited) == ["rich is pinned without a hash"]
