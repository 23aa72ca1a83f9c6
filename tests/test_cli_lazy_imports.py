"""A subcommand imports only what it needs: `python -m bot sandbox` and `lessons` start
without the Discord client, the plots or the terminal UI (a behaviour check on
`sys.modules`, not a timing; benchmarks/bench_grading.py times the start-up)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("discord", "matplotlib", "rich", "aiosqlite")

# Runs `python -m bot ARGS` in a fresh interpreter, then lists the top-level packages it
# imported, whatever way the command ended (--help exits with SystemExit).
_PROBE = """
import json, runpy, sys
out = sys.argv.pop(1)
try:
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
finally:
    with open(out, "w") as f:
        json.dump(sorted({name.split(".")[0] for name in sys.modules}), f)
"""


def _imported(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(out), *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    return set(json.loads(out.read_text()))


@pytest.mark.parametrize(
    "args",
    [("sandbox", "--help"), ("lessons",), ("lessons", "--json")],
    ids=lambda args: " ".join(args),
)
def test_light_subcommands_do_not_import_heavy_packages(tmp_path: Path, args: tuple[str]) -> None:
    imported = _imported(tmp_path, "--env-file", str(tmp_path / "none.env"), *args)
    assert "bot" in imported  # the probe really ran the CLI
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_a_sandbox_run_imports_no_numpy_in_the_parent(tmp_path: Path) -> None:
    code = tmp_path / "hello.py"
    code.write_text("print(6 * 7)\n")
    imported = _imported(tmp_path, "--env-file", str(tmp_path / "none.env"), "sandbox", str(code))
    assert "sandbox" in imported
    assert not imported & {*HEAVY, "numpy"}, sorted(imported & {*HEAVY, "numpy"})


def test_help_without_a_subcommand_still_lists_every_one(tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for name in ("check-lessons", "doctor", "grade", "lessons", "local", "run", "sandbox"):
        assert name in shown


# Runs `python -m bot ARGS` with launch_zygote wrapped, recording which of the slow imports
# had happened when the sandbox command started its zygote.
_LAUNCH_PROBE = """
import json, runpy, sys
import sandbox.zygote_launch as launch
out = sys.argv.pop(1)
real, seen = launch.launch_zygote, []
def spy():
    seen.append(sorted(m for m in ("pydantic", "bot.settings", "asyncio") if m in sys.modules))
    return real()
launch.launch_zygote = spy
try:
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
finally:
    with open(out, "w") as f:
        json.dump(seen, f)
"""


def _launches(tmp_path: Path, *args: str) -> list[list[str]]:
    out = tmp_path / "launches.json"
    subprocess.run(
        [sys.executable, "-c", _LAUNCH_PROBE, str(out), "--env-file", str(tmp_path / "none.env"),
         *args],
        cwd=ROOT, capture_output=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    launches: list[list[str]] = json.loads(out.read_text())
    return launches


def test_the_sandbox_command_starts_its_zygote_before_the_settings_load(tmp_path: Path) -> None:
    code = tmp_path / "hello.py"
    code.write_text("print(6 * 7)\n")
    # Once, and before pydantic, the settings and the pool's asyncio: the zygote imports
    # NumPy on the other core while this process imports those.
    assert _launches(tmp_path, "sandbox", str(code)) == [[]]


def test_a_help_request_starts_no_zygote(tmp_path: Path) -> None:
    assert _launches(tmp_path, "sandbox", "--help") == []
    assert _launches(tmp_path, "lessons") == []
