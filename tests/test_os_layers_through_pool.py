"""The OS layers through the real pool: policy off (plain Python, every builtin), one layer
on at a time, so each layer is shown to stand on its own in the production code path."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from sandbox import LayerReport, Limits, RunResult, Sandbox, SandboxOptions, Status
from sandbox.os_layers import LAYER_NAMES, landlock
from tests.test_os_layers import host_lacks

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="needs root (uid drop, network namespace)")
LIMITS = Limits(timeout_s=3.0, memory_mb=128)


async def run_all(
    layers: set[str],
    codes: dict[str, str],
    *,
    policy: bool = False,
    probes: dict[str, str] | None = None,
) -> tuple[dict[str, LayerReport], dict[str, RunResult]]:
    """Start one zygote with exactly `layers`, run each snippet in its own child."""
    options = SandboxOptions(policy=policy, layers=frozenset(layers))
    async with Sandbox(workers=1, limits=LIMITS, options=options) as sandbox:
        reports = {layer.name: layer for layer in sandbox.layers}
        results = {name: await sandbox.run(code, probes=probes) for name, code in codes.items()}
    return reports, results


def require_active(reports: dict[str, LayerReport], layer: str) -> None:
    """Skip where the host lacks the layer; anywhere else the zygote must have applied it."""
    reason = host_lacks(layer)
    if reason is not None:
        pytest.skip(f"{layer} is not available on this host: {reason}")
    assert reports[layer].active, reports[layer]


def assert_blocked(result: RunResult, error_type: str, *message_parts: str) -> None:
    assert result.status is Status.ERROR, result
    assert result.error is not None and result.error.type == error_type, result.error
    for part in message_parts:
        assert part in result.error.message, result.error


def read(path: Path) -> str:
    return f"data = open({str(path)!r}).read()"


def write(path: Path) -> str:
    return f"with open({str(path)!r}, 'w') as f:\n    f.write('learner was here')"


def connect(port: int) -> str:
    # A bare socket: create_connection would first import the idna codec, which is not
    # preloaded, and that import fails under seccomp for a reason of its own.
    return f"import socket\nsocket.socket().connect(('127.0.0.1', {port}))"


FORK = "import os\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)"
SUBPROCESS = "import subprocess\nsubprocess.run(['/bin/true'], check=True)"
EXEC = "import os\nos.execv('/bin/true', ['true'])"


async def test_with_no_layers_and_no_policy_everything_gets_through(
    secret: Path, tmp_path: Path, listener: int
) -> None:
    """The control: without layers these snippets succeed, so the tests below can fail."""
    _, results = await run_all(
        set(),
        {
            "read": read(secret),
            "write": write(tmp_path / "out.txt"),
            "connect": connect(listener),
            "fork": FORK,
            "subprocess": SUBPROCESS,
        },
    )
    assert {name: r.status for name, r in results.items()} == dict.fromkeys(results, Status.OK)
    assert (tmp_path / "out.txt").read_text() == "learner was here"


async def test_rlimits_alone(tmp_path: Path) -> None:
    reports, results = await run_all(
        {"rlimits"},
        {
            "memory": "import numpy as np\nbig = np.ones(512 * 1024 * 1024 // 8)",
            "write": write(tmp_path / "out.txt"),
            "fds": "import os\nfds = [os.dup(0) for _ in range(1000)]",
        },
    )
    require_active(reports, "rlimits")
    assert results["memory"].status is Status.MEMORY
    assert_blocked(results["write"], "OSError", "File too large")
    assert_blocked(results["fds"], "OSError", "Too many open files")


@needs_root
async def test_uid_alone(secret: Path) -> None:
    reports, results = await run_all(
        {"uid"},
        {
            "whoami": "import os\nids = [os.getuid(), os.getgid(), os.getgroups()]",
            "read": read(secret),
            "write": write(secret.parent / "planted.txt"),
        },
        probes={"ids": "ids"},
    )
    require_active(reports, "uid")
    assert results["whoami"].probes["ids"].value == [65534, 65534, []]
    assert_blocked(results["read"], "PermissionError")
    assert_blocked(results["write"], "PermissionError")


@needs_root
async def test_netns_alone(listener: int) -> None:
    reports, results = await run_all(
        {"netns"},
        {
            "interfaces": "import socket\nnames = [n for _, n in socket.if_nameindex()]",
            "connect": connect(listener),
        },
        probes={"names": "names"},
    )
    require_active(reports, "netns")
    assert results["interfaces"].probes["names"].value == ["lo"]
    assert_blocked(results["connect"], "OSError", "Network is unreachable")


async def test_seccomp_alone(tmp_path: Path, listener: int) -> None:
    reports, results = await run_all(
        {"seccomp"},
        {
            "socket": "import socket\nsocket.socket()",
            "connect": connect(listener),
            "fork": FORK,
            "subprocess": SUBPROCESS,
            "exec": EXEC,
            "write": write(tmp_path / "out.txt"),
            "mkdir": f"import os\nos.mkdir({str(tmp_path / 'dir')!r})",
        },
    )
    require_active(reports, "seccomp")
    for result in results.values():
        assert_blocked(result, "PermissionError", "Operation not permitted")
    assert list(tmp_path.iterdir()) == []


async def test_landlock_alone(secret: Path, tmp_path: Path, listener: int) -> None:
    reports, results = await run_all(
        {"landlock"},
        {
            "read": read(secret),
            "etc": read(Path("/etc/passwd")),
            "write": write(tmp_path / "out.txt"),
            "subprocess": SUBPROCESS,
            "connect": connect(listener),
            "numpy": "import numpy as np\nw = float(np.dot(np.ones(3), np.arange(3.0)))",
        },
        probes={"w": "w"},
    )
    require_active(reports, "landlock")
    for name in ("read", "etc", "write", "subprocess"):
        assert_blocked(results[name], "PermissionError")
    if landlock.abi_version() >= landlock.NET_ABI:
        assert_blocked(results["connect"], "PermissionError")
    assert results["numpy"].probes["w"].value == 3.0
    assert list(tmp_path.iterdir()) == [secret.parent]


async def test_every_layer_without_the_policy(secret: Path, tmp_path: Path, listener: int) -> None:
    train = (
        "import numpy as np\n"
        "x = np.linspace(-1, 1, 32); y = 3 * x - 1; w = b = 0.0\n"
        "for _ in range(200):\n"
        "    err = w * x + b - y\n"
        "    w -= 0.1 * float(np.mean(err * x)); b -= 0.1 * float(np.mean(err))\n"
    )
    reports, results = await run_all(
        set(LAYER_NAMES),
        {
            "train": train,
            "read": read(secret),
            "write": write(tmp_path / "out.txt"),
            "connect": connect(listener),
            "fork": FORK,
            "subprocess": SUBPROCESS,
        },
        probes={"w": "round(w, 2)"},
    )
    assert results["train"].status is Status.OK, results["train"]
    assert results["train"].probes["w"].value == pytest.approx(3.0, abs=0.2)
    for name in ("read", "write", "connect", "fork", "subprocess"):
        assert results[name].status is Status.ERROR, (name, results[name])
    if IS_ROOT:
        assert all(reports[name].active for name in ("rlimits", "uid", "netns"))


async def test_production_settings_still_run_a_lesson() -> None:
    reports, results = await run_all(
        set(LAYER_NAMES),
        {"lesson": "import numpy as np\nloss = float(np.mean((np.ones(4) - 0.5) ** 2))"},
        policy=True,
        probes={"loss": "loss"},
    )
    assert results["lesson"].status is Status.OK, results["lesson"]
    assert results["lesson"].probes["loss"].value == 0.25
    assert set(reports) == set(LAYER_NAMES)


# No time.sleep: clock_nanosleep is not on the seccomp allowlist (no lesson waits).
BUSY_FOR_A_SECOND = (
    "import time\nend = time.monotonic() + 1\nwhile time.monotonic() < end:\n    pass\n"
)


async def test_a_run_cannot_signal_a_concurrent_run() -> None:
    """Concurrent runs share the uid `nobody`; kill(-1) would reach all of them."""
    options = SandboxOptions(policy=False, layers=frozenset(LAYER_NAMES))
    async with Sandbox(workers=2, limits=LIMITS, options=options) as sandbox:
        victim = asyncio.create_task(
            sandbox.run(BUSY_FOR_A_SECOND + "finished = True", probes={"f": "finished"})
        )
        await asyncio.sleep(0.2)  # let the victim start; the attack is refused either way
        attack = await sandbox.run("import os, signal\nos.kill(-1, signal.SIGKILL)")
        survivor = await victim
    assert_blocked(attack, "PermissionError")
    assert survivor.status is Status.OK, survivor
    assert survivor.probes["f"].value is True
