"""Fail closed: `run` and `local` refuse to start when an OS layer the host offers failed,
and when one is missing unless SANDBOX_ALLOW_MISSING_LAYERS names it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.discord_app.runtime import StartupProblem, open_tutor_bot
from bot.settings import Settings, SettingsError
from sandbox import LayerReport, Sandbox, SandboxOptions, SandboxUnavailable, Status
from sandbox.layer_requirements import refusals
from sandbox.os_layers import LAYER_NAMES

WITHOUT_LANDLOCK = frozenset(LAYER_NAMES) - {"landlock"}  # reported missing: switched off


async def test_a_missing_layer_stops_the_pool_from_starting() -> None:
    options = SandboxOptions(layers=WITHOUT_LANDLOCK, allow_missing_layers=frozenset())
    with pytest.raises(SandboxUnavailable) as refused:
        async with Sandbox(workers=1, options=options):
            pass
    message = str(refused.value)
    assert "landlock layer is missing" in message
    assert "lsm=" in message  # how to enable it
    assert "SANDBOX_ALLOW_MISSING_LAYERS=landlock" in message


async def test_a_missing_layer_that_is_allowed_lets_the_pool_start() -> None:
    options = SandboxOptions(layers=WITHOUT_LANDLOCK, allow_missing_layers=frozenset({"landlock"}))
    async with Sandbox(workers=1, options=options) as sandbox:
        assert (await sandbox.run("print(1)")).status is Status.OK


def test_a_failed_layer_is_refused_even_when_missing_ones_are_allowed() -> None:
    layers = [
        LayerReport("seccomp", False, "failed: OSError: no", missing=False),
        LayerReport("landlock", False, "the kernel has no Landlock", missing=True),
        LayerReport("rlimits", True, "fine"),
    ]
    problems = refusals(layers, frozenset(LAYER_NAMES))
    assert problems == ["the seccomp layer failed to apply: failed: OSError: no"]
    assert len(refusals(layers, frozenset())) == 2


def test_the_setting_names_known_layers_only() -> None:
    settings = Settings.from_mapping({"SANDBOX_ALLOW_MISSING_LAYERS": "Landlock, seccomp"})
    assert settings.sandbox_allow_missing_layers == {"landlock", "seccomp"}
    assert Settings.from_mapping({}).sandbox_allow_missing_layers == frozenset()
    with pytest.raises(SettingsError, match="landlok"):
        Settings.from_mapping({"SANDBOX_ALLOW_MISSING_LAYERS": "landlok"})


def _without_landlock(**kwargs: Any) -> SandboxOptions:
    """What run and local ask for, on a host that lacks Landlock."""
    return SandboxOptions(layers=WITHOUT_LANDLOCK, **kwargs)


@pytest.mark.parametrize("allowed", ["", "landlock"])
def test_local_refuses_to_start_without_a_layer_unless_allowed(
    allowed: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("bot.sandbox_pool.SandboxOptions", _without_landlock)
    monkeypatch.setenv("SANDBOX_ALLOW_MISSING_LAYERS", allowed)
    monkeypatch.setattr("sys.stdin", io.StringIO("lessons\n"))
    args = ["local", "--db", str(tmp_path / "t.db"), "--name", "ada"]
    code = main(["--env-file", "/nonexistent/.env", *args])
    err = capsys.readouterr().err
    if allowed:
        assert code == 0, err
    else:
        assert code == 1
        assert "landlock layer is missing" in err and "Traceback" not in err


async def test_run_refuses_to_start_without_a_layer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("bot.sandbox_pool.SandboxOptions", _without_landlock)
    settings = Settings(database_path=tmp_path / "t.db")
    with pytest.raises(StartupProblem, match="landlock layer is missing"):
        async with open_tutor_bot(settings):
            pass
