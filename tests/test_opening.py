"""One way to open the core: open_core, open_sandbox and the one Limits builder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.opening import StoreLocation, open_core
from bot.sandbox_pool import open_sandbox, sandbox_limits
from bot.settings import Settings
from bot.store import StoreError
from lessons import load_course
from sandbox import Limits, Sandbox, SandboxOptions

URL = "postgresql://tutor:secret@db.example/tutor"


def test_a_db_path_wins_over_database_url_and_the_url_over_database_path(tmp_path: Path) -> None:
    settings = Settings(database_path=tmp_path / "a.db", database_url=SecretStr(URL))
    assert StoreLocation.of(settings) == StoreLocation(URL, tmp_path / "a.db")
    assert StoreLocation.of(settings, tmp_path / "b.db") == StoreLocation(None, tmp_path / "b.db")
    assert "secret" not in StoreLocation.of(settings).describe()
    plain = Settings(database_path=tmp_path / "a.db")
    assert StoreLocation.of(plain) == StoreLocation(None, tmp_path / "a.db")


def test_the_limits_come_from_the_settings_unless_a_flag_overrides_them() -> None:
    settings = Settings(sandbox_timeout_s=3.5, sandbox_memory_mb=300)
    assert sandbox_limits(settings) == Limits(timeout_s=3.5, memory_mb=300)
    assert sandbox_limits(settings, timeout_s=1.0) == Limits(timeout_s=1.0, memory_mb=300)
    assert sandbox_limits(settings, memory_mb=64) == Limits(timeout_s=3.5, memory_mb=64)


def test_only_run_and_local_honour_the_missing_layers_setting() -> None:
    settings = Settings(
        sandbox_workers=3, sandbox_allow_missing_layers="landlock", sandbox_timeout_s=4.0
    )
    pool = open_sandbox(settings)
    assert pool.workers == 3 and pool.limits.timeout_s == 4.0
    assert pool.options.allow_missing_layers == frozenset({"landlock"})
    strict = open_sandbox(settings, workers=1, every_layer=True)
    assert strict.workers == 1 and strict.options == SandboxOptions()


async def test_open_core_opens_the_store_sandbox_and_course_and_closes_them(
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_path=tmp_path / "ignored.db", sandbox_workers=3, solution_after_failures=7
    )
    async with open_core(settings, workers=1, db_path=tmp_path / "t.db") as core:
        assert core.course is load_course()
        assert core.solution_after_failures == 7
        assert isinstance(core.sandbox, Sandbox) and core.sandbox.workers == 1
        result = await core.sandbox.run("print(6 * 7)")
        assert result.stdout == "42\n"
        store, pool = core.store, core.sandbox
        await store.scope_settings("guild:1")
        assert core.sandbox.layers  # the zygote is up, with its OS layers
    assert (tmp_path / "t.db").exists() and not (tmp_path / "ignored.db").exists()
    with pytest.raises(StoreError, match="not open"):
        await store.scope_settings("guild:1")
    assert isinstance(pool, Sandbox) and pool.layers == []  # its zygote stopped
