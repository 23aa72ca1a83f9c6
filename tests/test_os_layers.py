"""Each OS layer alone blocks what it claims, shown in a forked child running plain Python
(no RestrictedPython policy): read outside the allowed paths, write a file, reach the
network, start a process. With every layer on, ordinary numpy work still runs."""

from __future__ import annotations

import ctypes
import encodings.idna  # noqa: F401  - socket.create_connection's lazy import, done before any filter
import errno
import json
import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sandbox.os_layers import (
    LAYER_NAMES,
    LayerStatus,
    _libc,
    apply_child,
    default_readable_paths,
    landlock,
    namespaces,
    prepare_zygote,
    probe,
    rlimits,
    seccomp,
    syscall_tables,
    uid,
)

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="needs root (to become another user)")
NAMESPACE_LAYERS = ("netns", "ipcns", "pidns")


def user_namespaces_allowed() -> bool:
    """Whether an unprivileged process may create a user namespace here: asked in a child,
    directly of the kernel, without the code under test."""
    pid = os.fork()
    if pid == 0:
        try:
            if IS_ROOT:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            ok = ctypes.CDLL(None, use_errno=True).unshare(0x10000000) == 0  # CLONE_NEWUSER
        finally:
            os._exit(0 if ok else 1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


Attempt = Callable[[], Any]


@dataclass
class ChildReport:
    statuses: dict[str, LayerStatus]
    outcomes: dict[str, dict[str, Any]]
    exit_signal: int | None  # set when the child was killed instead of reporting


def _outcome(attempt: Attempt) -> dict[str, Any]:
    try:
        value = attempt()
    except BaseException as exc:  # the child reports everything, even SystemExit
        error = type(exc).__name__
        return {"ok": False, "error": error, "errno": getattr(exc, "errno", None), "why": str(exc)}
    return {"ok": True, "value": value if isinstance(value, (int, float, str, list)) else None}


def run_in_child(
    layers: set[str],
    attempts: dict[str, Attempt],
    *,
    readable: list[str] | None = None,
    memory_mb: int = 256,
    cpu_seconds: int = 30,
    before: Callable[[], None] | None = None,
) -> ChildReport:
    """Fork; in the child run `before`, apply only `layers` (entering the network namespace
    itself, as the zygote would), run each attempt, and send the outcomes back as JSON."""
    enabled = frozenset(layers)
    paths = default_readable_paths() + (readable or [])
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_fd)
            payload: dict[str, Any]
            try:
                if before is not None:
                    before()
                prepare_zygote(enabled)
                statuses = apply_child(
                    enabled, memory_mb=memory_mb, cpu_seconds=cpu_seconds, readable_paths=paths
                )
            except BaseException as exc:  # reported, so the test shows why
                payload = {"setup_error": repr(exc)}
            else:
                outcomes = {name: _outcome(attempt) for name, attempt in attempts.items()}
                payload = {"statuses": [s.to_json() for s in statuses], "outcomes": outcomes}
            data = json.dumps(payload).encode()
            while data:
                data = data[os.write(write_fd, data) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        raw = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not raw:
        killed = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return ChildReport(statuses={}, outcomes={}, exit_signal=killed)
    data = json.loads(raw)
    assert "setup_error" not in data, f"the child failed before the attempts: {data}"
    statuses = {s["name"]: LayerStatus.from_json(s) for s in data["statuses"]}
    return ChildReport(statuses=statuses, outcomes=data["outcomes"], exit_signal=None)


def host_lacks(layer: str) -> str | None:
    """Why this host cannot provide `layer`, found without the code under test."""
    if layer in ("uid", *NAMESPACE_LAYERS) and not IS_ROOT and not user_namespaces_allowed():
        return "needs root, or unprivileged user namespaces"
    if layer == "seccomp" and _libc.MACHINE not in syscall_tables.ARCHES:
        return f"no filter for {_libc.MACHINE}"
    if layer == "landlock":
        try:
            _libc.syscall(landlock.SYS_CREATE_RULESET, None, 0, landlock.CREATE_RULESET_VERSION)
        except OSError as exc:
            return f"the kernel has no usable Landlock ({exc.strerror})"
    return None


def require_active(report: ChildReport, layer: str) -> None:
    """Skip where the host lacks the layer; anywhere else it must have been applied."""
    reason = host_lacks(layer)
    if reason is not None:
        pytest.skip(f"{layer} is not available on this host: {reason}")
    assert report.statuses[layer].active, report.statuses[layer]


def assert_denied(outcome: dict[str, Any], *errnos: int) -> None:
    assert not outcome["ok"], f"expected the attempt to be blocked, it succeeded: {outcome}"
    if errnos:
        assert outcome["errno"] in errnos, outcome


# -- things a learner might try ---------------------------------------------------------------


def read_file(path: Path) -> Attempt:
    return lambda: path.read_text()


def write_file(path: Path) -> Attempt:
    def attempt() -> int:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            return os.write(fd, b"learner was here")
        finally:
            os.close(fd)

    return attempt


def connect(port: int) -> Attempt:
    def attempt() -> str:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return "connected"

    return attempt


def fork_process() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return os.waitpid(pid, 0)[1]


def run_subprocess() -> int:
    return subprocess.run(["/bin/true"], check=False).returncode


def exec_program() -> None:
    os.execv("/bin/true", ["true"])  # success replaces the child: it reports nothing


def create_sysv_shm() -> int:
    """A host-wide shared memory segment, which would outlive the child (removed if made)."""
    libc = ctypes.CDLL(None, use_errno=True)
    shm_id = int(libc.shmget(0, 4096, 0o1600))  # IPC_PRIVATE, IPC_CREAT | 0600
    if shm_id < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    libc.shmctl(shm_id, 0, None)  # IPC_RMID
    return shm_id


TEST_PROCESS = os.getpid()  # the parent of every child these tests fork


def signal_parent() -> None:
    os.kill(TEST_PROCESS, 0)  # signal 0: only the permission check


def test_without_layers_every_attempt_succeeds(secret: Path, tmp_path: Path, listener: int) -> None:
    """The control: the attempts below are blocked by the layers, not by the test."""
    report = run_in_child(
        set(),
        {
            "read": read_file(secret),
            "write": write_file(tmp_path / "out.txt"),
            "connect": connect(listener),
            "fork": fork_process,
            "subprocess": run_subprocess,
            "signal": signal_parent,
            "sysv_shm": create_sysv_shm,
            "limit_parent": lambda: resource.prlimit(os.getppid(), resource.RLIMIT_CPU),
        },
    )
    assert all(outcome["ok"] for outcome in report.outcomes.values()), report.outcomes
    assert not any(status.active for status in report.statuses.values())


# -- rlimits ------------------------------------------------------------------------------------


def test_rlimits_cap_memory_file_size_and_descriptors(tmp_path: Path) -> None:
    def allocate_512_mib() -> int:
        return int(np.ones(512 * 1024 * 1024 // 8).sum())

    def open_many_fds() -> int:
        return len([os.dup(0) for _ in range(1000)])

    report = run_in_child(
        {"rlimits"},
        {
            "small": lambda: int(np.ones(10_000).sum()),
            "big": allocate_512_mib,
            "write": write_file(tmp_path / "out.txt"),
            "fds": open_many_fds,
        },
        memory_mb=64,
    )
    require_active(report, "rlimits")
    assert report.outcomes["small"] == {"ok": True, "value": 10_000}
    assert report.outcomes["big"]["error"] == "MemoryError"
    assert_denied(report.outcomes["write"], errno.EFBIG)
    assert_denied(report.outcomes["fds"], errno.EMFILE)


def test_rlimits_never_raise_a_limit_that_is_already_lower() -> None:
    report = run_in_child(
        {"rlimits"},
        {"cpu": lambda: list(resource.getrlimit(resource.RLIMIT_CPU))},
        cpu_seconds=30,
        before=lambda: resource.setrlimit(resource.RLIMIT_CPU, (3, 3)),
    )
    require_active(report, "rlimits")  # raising a hard limit would fail without root
    assert report.outcomes["cpu"]["value"] == [3, 3]


def test_rlimits_stop_a_busy_loop_by_cpu_time() -> None:
    def spin() -> None:
        while True:
            pass

    report = run_in_child({"rlimits"}, {"spin": spin}, cpu_seconds=1)
    assert report.exit_signal in (signal.SIGXCPU, signal.SIGKILL)


@needs_root
def test_rlimits_with_the_uid_drop_stop_new_processes() -> None:
    report = run_in_child({"rlimits", "uid"}, {"fork": fork_process})
    require_active(report, "uid")
    assert_denied(report.outcomes["fork"], errno.EAGAIN)


# -- uid ----------------------------------------------------------------------------------------


@needs_root
def test_uid_drop_blocks_root_files_and_root_processes(secret: Path) -> None:
    report = run_in_child(
        {"uid"},
        {
            "whoami": lambda: [*os.getresuid(), *os.getresgid(), list(os.getgroups())],
            "read": read_file(secret),
            "write": write_file(secret.parent / "planted.txt"),
            "signal": signal_parent,
        },
    )
    require_active(report, "uid")
    assert report.outcomes["whoami"]["value"] == [65534] * 6 + [[]]  # saved ids too
    assert_denied(report.outcomes["read"], errno.EACCES)
    assert_denied(report.outcomes["write"], errno.EACCES)
    assert_denied(report.outcomes["signal"], errno.EPERM)
    assert not (secret.parent / "planted.txt").exists()


def test_without_root_or_user_namespaces_the_id_layers_are_missing_and_say_how(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_user_namespaces(flags: int) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(_libc, "unshare", no_user_namespaces)
    report = run_in_child({"uid", *NAMESPACE_LAYERS}, {})
    for name in ("uid", *NAMESPACE_LAYERS):
        assert not report.statuses[name].active and report.statuses[name].missing, name
    assert "unprivileged_userns_clone" in report.statuses["netns"].detail
    assert "no user namespace" in report.statuses["uid"].detail


# -- netns --------------------------------------------------------------------------------------


def test_network_namespace_leaves_nothing_to_connect_to(listener: int) -> None:
    report = run_in_child(
        {"netns"},
        {
            "interfaces": lambda: [name for _, name in socket.if_nameindex()],
            "connect": connect(listener),
        },
    )
    require_active(report, "netns")
    assert report.outcomes["interfaces"]["value"] == ["lo"]
    assert_denied(report.outcomes["connect"], errno.ENETUNREACH)


def test_a_namespace_in_a_child_is_inactive_unless_the_zygote_entered_one() -> None:
    # In the test process, which entered none: only the record is read.
    assert namespaces.inherited("netns") == LayerStatus(
        "netns", False, "the zygote did not enter a net namespace"
    )


# -- seccomp ------------------------------------------------------------------------------------


def test_seccomp_blocks_processes_sockets_and_writes(
    secret: Path, tmp_path: Path, listener: int
) -> None:
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me")
    report = run_in_child(
        {"seccomp"},
        {
            "read": read_file(secret),  # no path can be opened at all, not even to read
            "signal_self": lambda: os.kill(os.getpid(), 0),
            "socket": lambda: socket.socket().fileno(),
            "connect": connect(listener),
            "fork": fork_process,
            "subprocess": run_subprocess,
            "exec": exec_program,
            "create": write_file(tmp_path / "new.txt"),
            "overwrite": write_file(existing),
            "append": lambda: open(existing, "a").close(),
            "read_write": lambda: open(existing, "r+").close(),
            "mkdir": lambda: os.mkdir(tmp_path / "dir"),
            "unlink": lambda: os.unlink(existing),
            "rename": lambda: os.rename(existing, tmp_path / "moved.txt"),
            "chmod": lambda: os.chmod(existing, 0o777),
            "symlink": lambda: os.symlink(existing, tmp_path / "link"),
            "truncate": lambda: os.truncate(existing, 0),
            "openat2": lambda: _libc.syscall(437, -100, b"/", None, 0),
            "sysv_shm": create_sysv_shm,
            "signal_parent": signal_parent,
            "signal_group": lambda: os.kill(0, 0),
            "limit_parent": lambda: resource.prlimit(TEST_PROCESS, resource.RLIMIT_CPU),
            "renice": lambda: os.setpriority(os.PRIO_PROCESS, 0, 19),
            "own_limits": lambda: list(resource.getrlimit(resource.RLIMIT_NOFILE)),
            "own_prlimit": lambda: list(resource.prlimit(os.getpid(), resource.RLIMIT_NOFILE)),
        },
    )
    require_active(report, "seccomp")
    allowed = ("signal_self", "own_limits", "own_prlimit")
    assert all(report.outcomes[name]["ok"] for name in allowed), report.outcomes
    for name, outcome in report.outcomes.items():
        if name not in allowed:
            assert_denied(outcome, errno.EPERM)
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.txt", "secret"]


@pytest.mark.skipif(_libc.MACHINE != "x86_64", reason="x32 syscalls exist only on x86_64")
def test_seccomp_denies_x32_syscalls() -> None:
    x32_getpid = 0x40000000 | 39
    report = run_in_child({"seccomp"}, {"x32": lambda: _libc.syscall(x32_getpid)})
    require_active(report, "seccomp")
    assert_denied(report.outcomes["x32"], errno.EPERM)


# -- landlock -----------------------------------------------------------------------------------


def test_landlock_allows_reading_only_beneath_the_given_paths(secret: Path, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "lesson.txt").write_text("weights")
    single, sibling = tmp_path / "single.txt", tmp_path / "sibling.txt"
    single.write_text("one file")
    sibling.write_text("not granted")
    report = run_in_child(
        {"landlock"},
        {
            "inside": read_file(allowed / "lesson.txt"),
            "single_file": read_file(single),
            "sibling": read_file(sibling),
            "list_inside": lambda: sorted(os.listdir(allowed)),
            "outside": read_file(secret),
            "etc": read_file(Path("/etc/passwd")),
            "write_inside": write_file(allowed / "new.txt"),
            "overwrite_inside": write_file(allowed / "lesson.txt"),
            "mkdir_inside": lambda: os.mkdir(allowed / "dir"),
            "write_outside": write_file(tmp_path / "out.txt"),
        },
        readable=[str(allowed), str(single), str(tmp_path / "does-not-exist")],
    )
    require_active(report, "landlock")
    assert report.outcomes["inside"] == {"ok": True, "value": "weights"}
    assert report.outcomes["single_file"] == {"ok": True, "value": "one file"}
    assert report.outcomes["list_inside"] == {"ok": True, "value": ["lesson.txt"]}
    for name in ("outside", "sibling", "etc", "write_inside", "overwrite_inside", "mkdir_inside"):
        assert_denied(report.outcomes[name], errno.EACCES)
    assert_denied(report.outcomes["write_outside"], errno.EACCES)
    assert (allowed / "lesson.txt").read_text() == "weights"


def test_landlock_blocks_running_programs() -> None:
    report = run_in_child({"landlock"}, {"subprocess": run_subprocess, "exec": exec_program})
    require_active(report, "landlock")
    assert_denied(report.outcomes["subprocess"], errno.EACCES)
    assert_denied(report.outcomes["exec"], errno.EACCES)


def test_landlock_denies_tcp_and_signals_on_recent_kernels(listener: int) -> None:
    report = run_in_child({"landlock"}, {"connect": connect(listener), "signal": signal_parent})
    require_active(report, "landlock")
    abi = landlock.abi_version()
    if abi < landlock.NET_ABI:
        pytest.skip(f"Landlock ABI {abi} cannot restrict TCP (needs {landlock.NET_ABI})")
    assert_denied(report.outcomes["connect"], errno.EACCES)
    if abi >= landlock.SCOPE_ABI:
        assert_denied(report.outcomes["signal"], errno.EPERM)


# -- root without CAP_SYS_ADMIN, as in a default container ---------------------------------------

CAP_SYS_ADMIN = 21


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def drop_capability(cap: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    data[cap // 32].effective &= ~(1 << (cap % 32))
    data[cap // 32].permitted &= ~(1 << (cap % 32))
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


@needs_root
def test_root_without_cap_sys_admin_keeps_every_layer_but_the_namespaces(secret: Path) -> None:
    report = run_in_child(
        set(LAYER_NAMES),
        {"read": read_file(secret), "fork": fork_process},
        before=lambda: drop_capability(CAP_SYS_ADMIN),
    )
    for name in NAMESPACE_LAYERS:
        assert not report.statuses[name].active and report.statuses[name].missing
        assert "CAP_SYS_ADMIN" in report.statuses[name].detail
    require_active(report, "landlock")  # needs no_new_privs without the capability
    assert all(report.statuses[name].active for name in ("rlimits", "uid", "seccomp"))
    assert_denied(report.outcomes["read"], errno.EPERM)  # seccomp opens no path at all
    assert_denied(report.outcomes["fork"])


def become_nobody() -> None:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    # As after a fresh exec by that user: the uid change made /proc/self root's, which
    # would keep an unprivileged process from writing its own uid_map.
    _libc.prctl(4, 1)  # PR_SET_DUMPABLE


@needs_root  # to become another user; the layers then run unprivileged
def test_an_unprivileged_user_gets_every_layer() -> None:
    report = run_in_child(
        set(LAYER_NAMES),
        {
            "read": read_file(Path("/etc/passwd")),
            "fork": fork_process,
        },
        before=become_nobody,
    )
    if not user_namespaces_allowed():
        pytest.skip("this host allows no unprivileged user namespaces")
    for layer in LAYER_NAMES:
        assert report.statuses[layer].active, report.statuses[layer]
    assert "user namespace" in report.statuses["uid"].detail
    assert_denied(report.outcomes["read"], errno.EPERM)  # world-readable: seccomp opens nothing
    assert_denied(report.outcomes["fork"])


# -- all together -------------------------------------------------------------------------------


def test_with_every_layer_numpy_still_works_and_nothing_escapes(
    secret: Path, tmp_path: Path, listener: int
) -> None:
    def train_step() -> list[float]:
        rng = np.random.default_rng(0)
        x, w = rng.normal(size=(32, 8)), np.zeros(8)
        y = x @ np.arange(8.0)
        for _ in range(50):
            w -= 0.05 * x.T @ (x @ w - y) / len(x)
        return [float(np.dot(w, w)), float(np.linalg.norm(x @ w - y))]

    # Like the zygote's warm-up: lazy imports happen here, while files are still readable.
    train_step()
    report = run_in_child(
        set(LAYER_NAMES),
        {
            "numpy": train_step,
            "read": read_file(secret),
            "write": write_file(tmp_path / "out.txt"),
            "connect": connect(listener),
            "fork": fork_process,
            "subprocess": run_subprocess,
        },
    )
    assert report.outcomes["numpy"]["ok"], report.outcomes["numpy"]
    squared_norm, residual = report.outcomes["numpy"]["value"]
    assert squared_norm > 100 and residual < 5  # the weights moved toward (0, 1, ..., 7)
    for name in ("read", "write", "connect", "fork", "subprocess"):
        assert_denied(report.outcomes[name])
    # The report itself travelled over the pipe the child inherited: output still works.
    assert report.statuses["rlimits"].active
    if IS_ROOT:
        assert all(report.statuses[name].active for name in ("uid", *NAMESPACE_LAYERS))


def test_statuses_come_in_layer_order_and_disabled_layers_say_so() -> None:
    report = run_in_child({"rlimits"}, {})
    assert list(report.statuses) == list(LAYER_NAMES)
    assert report.statuses["rlimits"].active
    for name in LAYER_NAMES[1:]:
        assert report.statuses[name].detail == "disabled by configuration"


def test_a_failing_layer_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_paths: object) -> LayerStatus:
        raise RuntimeError("kernel said no")

    monkeypatch.setattr(landlock, "apply", broken)
    report = run_in_child({"landlock", "rlimits"}, {"alive": lambda: "yes"})
    assert report.statuses["landlock"] == LayerStatus(
        "landlock", False, "failed: RuntimeError: kernel said no"
    )
    assert report.statuses["rlimits"].active
    assert report.outcomes["alive"]["value"] == "yes"


def test_unknown_layer_names_are_refused() -> None:
    with pytest.raises(ValueError, match="seccmop"):
        apply_child(frozenset({"seccmop"}), memory_mb=1, cpu_seconds=1, readable_paths=[])
    with pytest.raises(ValueError, match="seccmop"):
        prepare_zygote(frozenset({"seccmop"}))


def test_landlock_reports_a_missing_kernel_feature_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_landlock() -> int:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS))

    monkeypatch.setattr(landlock, "abi_version", no_landlock)
    status = landlock.apply([sys.prefix])
    assert not status.active
    assert "no Landlock" in status.detail


# -- readable paths and the probe ----------------------------------------------------------------


def test_default_readable_paths_cover_python_and_the_runtime_packages_only() -> None:
    import RestrictedPython

    import sandbox

    paths = default_readable_paths()
    assert len(paths) == len(set(paths))
    assert all(os.path.isabs(p) and os.path.realpath(p) == p for p in paths)
    assert os.path.realpath(sys.base_prefix) in paths

    def covered(directory: str) -> bool:
        real = os.path.realpath(directory)
        return any(real == p or real.startswith(p + "/") for p in paths)

    for module in (np, RestrictedPython, sandbox):
        assert covered(os.path.dirname(module.__file__ or "")), module.__name__
    for private in ("/", "/etc", "/home", "/root", "/tmp", "/work", "/proc", "/dev"):
        assert private not in paths
    assert not covered("/etc") and not covered("/home") and not covered("/proc")


def test_probe_reports_every_layer_and_leaves_the_caller_unchanged() -> None:
    def process_state() -> tuple[object, ...]:
        with open("/proc/self/status") as status:
            flags = [line for line in status if line.startswith(("NoNewPrivs", "Seccomp:"))]
        return (os.geteuid(), os.getegid(), os.readlink("/proc/self/ns/net"), flags)

    before = process_state()
    statuses = probe()
    assert [s.name for s in statuses] == list(LAYER_NAMES)
    assert all(s.detail for s in statuses)
    assert process_state() == before
    with socket.socket() as still_allowed:
        assert still_allowed.fileno() >= 0
    for status in statuses:  # every layer the host can provide was applied and holds
        assert status.active or host_lacks(status.name), status


@pytest.mark.parametrize("layer", ["rlimits", "uid", "seccomp", "landlock"])
def test_probe_catches_a_layer_that_claims_more_than_it_does(
    layer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = {"rlimits": rlimits, "uid": uid, "seccomp": seccomp, "landlock": landlock}[layer]

    def pretend(*args: object, **kwargs: object) -> LayerStatus:
        return LayerStatus(layer, True, "pretending")

    monkeypatch.setattr(module, "apply", pretend)
    statuses = {s.name: s for s in probe(frozenset({layer}))}
    assert not statuses[layer].active
    assert statuses[layer].detail.startswith("applied, but it does not hold: ")


@pytest.mark.parametrize("layer", NAMESPACE_LAYERS)
def test_probe_catches_a_namespace_that_was_not_entered(
    layer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = {"netns": "net", "ipcns": "ipc", "pidns": "pid"}[layer]
    pretending = namespaces.Entered(
        statuses={layer: LayerStatus(layer, True, "pretending")},
        host={layer: os.readlink(f"/proc/self/ns/{kind}")},
        user_namespace=False,
    )
    monkeypatch.setattr(namespaces, "_entered", pretending)
    statuses = {s.name: s for s in probe(frozenset({layer}))}
    assert statuses[layer] == LayerStatus(
        layer, False, f"applied, but it does not hold: still in the host's {layer}"
    )


def test_probe_from_a_zygote_that_entered_its_namespaces_reports_them_holding() -> None:
    layers = frozenset(NAMESPACE_LAYERS)
    report = run_in_child(set(layers), {"probe": lambda: [s.to_json() for s in probe(layers)]})
    for name in NAMESPACE_LAYERS:
        require_active(report, name)
        status = next(s for s in report.outcomes["probe"]["value"] if s["name"] == name)
        assert status["active"], status


def test_probe_honours_the_enabled_set() -> None:
    statuses = {s.name: s for s in probe(frozenset({"rlimits"}))}
    assert statuses["rlimits"].active
    assert statuses["seccomp"].detail == "disabled by configuration"


def test_probe_checks_landlock_before_seccomp_could_hide_a_broken_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # seccomp refuses every open: checked after it, any Landlock would look fine.
    monkeypatch.setattr(landlock, "apply", lambda paths: LayerStatus("landlock", True, "pretend"))
    statuses = {s.name: s for s in probe(frozenset({"landlock", "seccomp"}))}
    assert statuses["landlock"].detail == "applied, but it does not hold: listing / succeeded"
    assert statuses["seccomp"].active or host_lacks("seccomp")
