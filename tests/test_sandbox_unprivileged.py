"""The real sandbox started by an ordinary user (uid 65534 through setpriv, with a Python
and a copy of the project that user can read): every OS layer must be active, through the
user namespace the zygote enters, and `run`/`local` must not need SANDBOX_ALLOW_MISSING_LAYERS.
Skipped only where the host allows no unprivileged user namespaces."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy
import pytest
import RestrictedPython

from sandbox.os_layers import LAYER_NAMES
from tests.test_os_layers import user_namespaces_allowed

PROJECT = Path(__file__).resolve().parent.parent
NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]

SCRIPT = """
import asyncio, json, sys
from sandbox import Sandbox, SandboxOptions

async def main():
    report = {}
    # Fail closed, as `run` and `local` start it: no layer may be missing.
    async with Sandbox(workers=1, options=SandboxOptions(allow_missing_layers=frozenset())) as s:
        report["layers"] = [[l.name, l.active, l.detail] for l in s.layers]
        run = await s.run("import numpy as np\\nα = np.ones(3) @ np.ones(3)\\nprint(α)")
        report["run"] = [run.status.value, run.stdout]
    async with Sandbox(workers=1, options=SandboxOptions(policy=False)) as s:
        run = await s.run("import os\\npid = os.getpid()", probes={"pid": "pid"})
        report["pid"] = run.probes["pid"].value
    print(json.dumps(report))

asyncio.run(main())
"""


def _world_readable(path: Path) -> bool:
    """Whether any user may read `path`: o+r on it and o+x on every directory above."""
    real = path.resolve()
    if not real.stat().st_mode & 0o004:
        return False
    return all(parent.stat().st_mode & 0o001 for parent in real.parents)


def _readable_python() -> str | None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (os.path.realpath(sys.executable), f"/usr/bin/{version}"):
        if Path(candidate).exists() and _world_readable(Path(candidate)):
            return candidate
    return None


@dataclass(frozen=True)
class OrdinaryUser:
    command: list[str]  # runs check.py as an ordinary user
    project: Path  # the directory holding check.py and a copy of the sandbox package


def _copy_project(root: Path) -> Path:
    project = root / "project"
    shutil.copytree(PROJECT / "sandbox", project / "sandbox")
    (project / "check.py").write_text(SCRIPT)
    return project


@pytest.fixture(scope="session")
def ordinary_user() -> Iterator[OrdinaryUser]:
    """As root: uid 65534 through setpriv, with a venv of a Python that user can read
    (copies of numpy and RestrictedPython in it) in a world-readable directory. As an
    ordinary user already: this user, with this Python. Made once per session."""
    if not user_namespaces_allowed():
        pytest.skip(
            "this host allows no unprivileged user namespaces, so an ordinary user cannot "
            "get the uid and namespace layers"
        )
    root = Path(tempfile.mkdtemp(prefix="sandbox-unprivileged-"))
    try:
        if os.geteuid() != 0:
            yield OrdinaryUser([sys.executable, "check.py"], _copy_project(root))
            return
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is not installed: can't become another user")
        python = _readable_python()
        if python is None:
            pytest.skip("no Python of this version that another user can read")
        subprocess.run(
            [python, "-m", "venv", "--without-pip", str(root / "py")], check=True, timeout=120
        )
        site = next((root / "py" / "lib").glob("python*/site-packages"))
        for module in (numpy, RestrictedPython):
            package = Path(module.__file__ or "").parent
            shutil.copytree(package, site / package.name)
            libs = package.parent / f"{package.name}.libs"  # vendored shared libraries
            if libs.is_dir():
                shutil.copytree(libs, site / libs.name)
        project = _copy_project(root)
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | (0o755 if path.is_dir() else 0o444))
        yield OrdinaryUser([*NOBODY, str(root / "py" / "bin" / "python"), "check.py"], project)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_an_ordinary_user_gets_every_layer(ordinary_user: OrdinaryUser) -> None:
    completed = subprocess.run(
        ordinary_user.command,
        cwd=ordinary_user.project,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    layers = {name: (active, detail) for name, active, detail in report["layers"]}
    assert list(layers) == list(LAYER_NAMES)
    assert all(active for active, _ in layers.values()), layers
    assert "user namespace" in layers["uid"][1]
    assert report["run"] == ["ok", "3.0\n"]
    assert report["pid"] < 100  # a PID of the sandbox's own namespace, not the host's
