"""`python -m bot doctor` reports versions, the kernel and every OS layer."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import doctor
from bot.settings import Settings
from sandbox.os_layers import LAYER_NAMES, LayerStatus, ProbeError


def run_doctor(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(tmp_path / "none.env"), "doctor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )


def test_doctor_json_reports_every_layer(tmp_path: Path) -> None:
    completed = run_doctor(tmp_path, "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert [layer["name"] for layer in report["layers"]] == list(LAYER_NAMES)
    for layer in report["layers"]:
        assert isinstance(layer["active"], bool)
        assert layer["detail"].strip(), layer
    assert report["root"] is (os.geteuid() == 0)
    assert report["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert report["packages"]["numpy"] and report["packages"]["RestrictedPython"]
    assert report["kernel"]["release"] == os.uname().release
    assert report["problems"] == []
    if os.geteuid() == 0:  # root on Linux: these two never depend on kernel options
        active = {layer["name"] for layer in report["layers"] if layer["active"]}
        assert {"rlimits", "uid", "netns", "ipcns", "pidns"} <= active


def test_doctor_text_names_each_layer_and_its_state(tmp_path: Path) -> None:
    completed = run_doctor(tmp_path)
    assert completed.returncode == 0, completed.stderr
    states: dict[str, str] = {}
    for line in completed.stdout.splitlines():
        words = line.split()
        if words and words[0] in LAYER_NAMES:
            states[words[0]] = words[1]
    assert list(states) == list(LAYER_NAMES)
    assert set(states.values()) <= {"active", "missing", "FAILED"}
    assert "kernel" in completed.stdout and "numpy" in completed.stdout


def test_a_failed_probe_is_reported_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_probe(**limits: int) -> list[object]:
        raise ProbeError("probe child reported nothing (wait status 9)")

    monkeypatch.setattr(doctor, "probe", broken_probe)
    assert doctor.run(argparse.Namespace(json=False, settings=Settings())) == 1
    out = capsys.readouterr().out
    assert "problem: probing the OS layers failed: probe child reported nothing" in out
    assert "OS isolation layers" not in out


def test_a_missing_runtime_package_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version = doctor._version
    monkeypatch.setattr(
        doctor, "_version", lambda name: None if name == "numpy" else real_version(name)
    )
    report = doctor.gather()
    assert report["packages"]["numpy"] is None
    assert report["problems"] == ["numpy is not installed: the sandbox cannot run"]
    assert "numpy             not installed" in doctor.render(report)


def test_doctor_checks_rlimits_at_the_configured_limits(tmp_path: Path) -> None:
    env_file = tmp_path / "limits.env"
    env_file.write_text("SANDBOX_MEMORY_MB=100\nSANDBOX_TIMEOUT=7\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(env_file), "doctor", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    report = json.loads(completed.stdout)
    (rlimits,) = [layer for layer in report["layers"] if layer["name"] == "rlimits"]
    assert "+ 100)" in rlimits["detail"] and "CPU 8 s" in rlimits["detail"], rlimits


def test_a_missing_layer_says_how_to_enable_it_and_that_run_would_refuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def without_landlock(**_limits: int) -> list[LayerStatus]:
        return [
            LayerStatus(name, True, "fine")
            if name != "landlock"
            else LayerStatus(name, False, "the kernel has no Landlock", missing=True)
            for name in LAYER_NAMES
        ]

    monkeypatch.setattr(doctor, "probe", without_landlock)
    report = doctor.gather()
    assert len(report["problems"]) == 1
    assert "`run` and `local` would refuse to start" in report["problems"][0]
    text = doctor.render(report)
    assert "landlock  missing" in text
    assert "to enable: needs Linux 5.13+ with CONFIG_SECURITY_LANDLOCK=y" in text
    assert doctor.gather(frozenset({"landlock"}))["problems"] == []
