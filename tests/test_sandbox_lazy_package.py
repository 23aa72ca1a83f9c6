"""The sandbox package loads its public names on first use, so the zygote, which imports
`sandbox.zygote` (and so runs `sandbox/__init__.py`), carries none of the pool's asyncio
and logging: their at-fork handlers would run in every child and their objects would be
pages each run copies. A behaviour check on `sys.modules`, not a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sandbox

ROOT = Path(__file__).resolve().parents[1]
POOL_ONLY = ("asyncio", "logging", "concurrent")


def test_the_zygote_imports_nothing_of_the_pool() -> None:
    probe = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import sandbox.zygote; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout))
    assert "numpy" in loaded and "RestrictedPython" in loaded  # the runtime is there
    assert loaded.isdisjoint(POOL_ONLY), loaded & set(POOL_ONLY)


def test_every_public_name_resolves_to_its_definition() -> None:
    from sandbox.limits import Limits
    from sandbox.pool import Sandbox
    from sandbox.result import Status

    assert sandbox.Sandbox is Sandbox and sandbox.Limits is Limits and sandbox.Status is Status
    for name in sandbox.__all__:
        assert getattr(sandbox, name).__name__ == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Sandboxx'"):
        _ = sandbox.Sandboxx  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        from sandbox import Sandboxx  # type: ignore[attr-defined]  # noqa: F401
