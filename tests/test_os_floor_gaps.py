"""The gaps the sandbox issue found in the OS floor, through the real pool with the policy
OFF (plain Python, as if the policy had fallen): host SysV IPC objects, metadata writes on
world-writable host files, a child outliving a killed zygote, stat() outside the readable
trees, host PIDs, and random numbers shared between runs. Each runs with every layer (the
production set) and with the one layer meant to close it alone."""

from __future__ import annotations

import asyncio
import ctypes
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, Sandbox, SandboxOptions, Status
from sandbox.os_layers import LAYER_NAMES
from tests.test_os_layers import host_lacks

pytestmark = pytest.mark.asyncio
LIMITS = Limits(timeout_s=3.0, memory_mb=128)
ALL = frozenset(LAYER_NAMES)
IPC_PRIVATE, IPC_RMID, IPC_NOWAIT = 0, 0, 0o4000
_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p


async def run_plain(layers: frozenset[str], code: str, probes: dict[str, str]) -> dict[str, object]:
    for layer in layers:
        if (reason := host_lacks(layer)) is not None:
            pytest.skip(f"{layer} is not available on this host: {reason}")
    options = SandboxOptions(policy=False, layers=layers)
    async with Sandbox(workers=1, limits=LIMITS, options=options) as sandbox:
        assert all(r.active for r in sandbox.layers if r.name in layers), sandbox.layers
        result = await sandbox.run(code, probes=probes)
    assert result.status is Status.OK, result
    return {name: value.value for name, value in result.probes.items()}


# -- SysV IPC on host objects -----------------------------------------------------------------


@pytest.fixture
def host_segment() -> Iterator[int]:
    """A world-readable and -writable shared memory segment on the host, holding a secret."""
    shm_id = _libc.shmget(IPC_PRIVATE, 4096, 0o1666)  # IPC_CREAT | 0666
    assert shm_id >= 0, ctypes.get_errno()
    address = _libc.shmat(shm_id, None, 0)
    ctypes.memmove(address, b"host secret", 11)
    yield shm_id
    _libc.shmdt(ctypes.c_void_p(address))
    _libc.shmctl(shm_id, IPC_RMID, None)


@pytest.fixture
def host_queue() -> Iterator[int]:
    queue_id = _libc.msgget(IPC_PRIVATE, 0o1666)
    assert queue_id >= 0, ctypes.get_errno()
    yield queue_id
    _libc.msgctl(queue_id, IPC_RMID, None)


SHM_ATTACK = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
address = libc.shmat({shm_id}, None, 0)
if address in (None, 2**64 - 1):
    got = "errno " + str(ctypes.get_errno())
else:
    got = ctypes.string_at(address, 11).decode()
    ctypes.memmove(address, b"LEARNER", 7)
"""

MSG_ATTACK = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
message = ctypes.create_string_buffer(b"\\x01\\0\\0\\0\\0\\0\\0\\0hello host", 18)
sent = libc.msgsnd({queue_id}, message, 10, 0o4000)
got = "errno " + str(ctypes.get_errno()) if sent != 0 else "delivered"
"""


@pytest.mark.parametrize("layers", [ALL, frozenset({"ipcns"}), frozenset({"seccomp"})])
async def test_a_host_shared_memory_segment_is_out_of_reach(
    host_segment: int, layers: frozenset[str]
) -> None:
    values = await run_plain(layers, SHM_ATTACK.format(shm_id=host_segment), {"got": "got"})
    assert str(values["got"]).startswith("errno "), values
    address = _libc.shmat(host_segment, None, 0)
    assert ctypes.string_at(address, 11) == b"host secret"
    _libc.shmdt(ctypes.c_void_p(address))


@pytest.mark.parametrize("layers", [ALL, frozenset({"ipcns"}), frozenset({"seccomp"})])
async def test_a_host_message_queue_gets_nothing(host_queue: int, layers: frozenset[str]) -> None:
    values = await run_plain(layers, MSG_ATTACK.format(queue_id=host_queue), {"got": "got"})
    assert str(values["got"]).startswith("errno "), values
    buffer = ctypes.create_string_buffer(64)
    assert _libc.msgrcv(host_queue, buffer, 56, 0, IPC_NOWAIT) == -1  # still empty


# -- metadata writes on a world-writable host file ----------------------------------------------


@pytest.fixture
def world_writable() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="sandbox-gap-"))
    directory.chmod(0o777)
    target = directory / "shared.txt"
    target.write_text("host data")
    target.chmod(0o666)
    os.utime(target, (1_000_000, 1_000_000))
    yield target
    shutil.rmtree(directory)


METADATA_ATTACK = """
import os
outcomes = {{}}
for name, attempt in {{
    "setxattr": lambda: os.setxattr({path!r}, "user.learner", b"1"),
    "utime": lambda: os.utime({path!r}, None),
    "utime_explicit": lambda: os.utime({path!r}, (0, 0)),
    "chmod": lambda: os.chmod({path!r}, 0o600),
}}.items():
    try:
        attempt()
        outcomes[name] = "done"
    except OSError as exc:
        outcomes[name] = "errno " + str(exc.errno)
"""


@pytest.mark.parametrize("layers", [ALL, frozenset({"seccomp"})])
async def test_a_world_writable_host_files_metadata_stays(
    world_writable: Path, layers: frozenset[str]
) -> None:
    code = METADATA_ATTACK.format(path=str(world_writable))
    values = await run_plain(layers, code, {"outcomes": "outcomes"})
    assert "done" not in dict(values["outcomes"]).values(), values  # type: ignore[call-overload]
    assert world_writable.stat().st_mtime == 1_000_000
    assert world_writable.stat().st_mode & 0o777 == 0o666
    assert os.listxattr(world_writable) == []


# -- a child outliving a killed zygote -----------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found |= {int(child) for child in children}
        pending += [int(child) for child in children]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


ORPHAN = """
import ctypes
ctypes.CDLL(None, use_errno=True).prctl(1, 0, 0, 0, 0)  # clear the parent-death signal
while True:
    pass
"""


@pytest.mark.parametrize("layers", [ALL, frozenset({"pidns"})])
async def test_no_child_outlives_a_killed_zygote(layers: frozenset[str]) -> None:
    for layer in layers:
        if (reason := host_lacks(layer)) is not None:
            pytest.skip(f"{layer} is not available on this host: {reason}")
    options = SandboxOptions(policy=False, layers=layers)
    sandbox = Sandbox(workers=1, limits=Limits(timeout_s=30, memory_mb=128), options=options)
    await sandbox.start()
    try:
        zygote = sandbox._zygote
        assert zygote is not None
        before = _descendants(zygote.process.pid)
        run = asyncio.create_task(sandbox.run(ORPHAN))
        await asyncio.sleep(0.5)  # the child has cleared its signal and spins
        processes = _descendants(zygote.process.pid) | before
        os.kill(zygote.process.pid, signal.SIGKILL)
        result = await run
        assert result.status is Status.CRASHED
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(pid) for pid in processes):
            await asyncio.sleep(0.05)
        survivors = [pid for pid in processes if _alive(pid)]
        for pid in survivors:  # never leave a spinning process behind, even when failing
            os.kill(pid, signal.SIGKILL)
        assert not survivors
    finally:
        await sandbox.close()


# -- what a child can learn about the host ---------------------------------------------------------


STAT_ATTACK = """
import os
outcomes = {}
for path in ("/etc/passwd", "/root", "/home", "/proc/1"):
    try:
        st = os.stat(path)
        outcomes[path] = [st.st_size, st.st_uid]
    except OSError as exc:
        outcomes[path] = "errno " + str(exc.errno)
"""


@pytest.mark.parametrize("layers", [ALL, frozenset({"seccomp"})])
async def test_stat_shows_nothing_outside_the_readable_trees(layers: frozenset[str]) -> None:
    values = await run_plain(layers, STAT_ATTACK, {"outcomes": "outcomes"})
    outcomes = dict(values["outcomes"])  # type: ignore[call-overload]
    assert all(str(v).startswith("errno ") for v in outcomes.values()), outcomes


PID_ATTACK = """
import os
visible = []
for pid in {pids}:
    try:
        os.getpgid(pid)
        visible.append(pid)
    except OSError:
        pass
"""


@pytest.mark.parametrize("layers", [ALL, frozenset({"pidns"}), frozenset({"seccomp"})])
async def test_getpgid_finds_no_host_pid(layers: frozenset[str]) -> None:
    host_pids = sorted({os.getpid(), os.getppid(), *(int(p) for p in os.listdir("/proc")
                                                     if p.isdigit())})  # fmt: skip
    host_pids = [pid for pid in host_pids if pid > 16][:500]  # low numbers exist in any ns
    values = await run_plain(layers, PID_ATTACK.format(pids=host_pids), {"visible": "visible"})
    assert values["visible"] == [], values


# -- random numbers ------------------------------------------------------------------------------

DRAW = (
    "import numpy as np\nimport random\nlegacy = float(np.random.rand())\npy = random.random()\n"
    "gauss = float(np.random.standard_normal())\n"
)


@pytest.mark.parametrize("policy", [False, True])
async def test_every_run_draws_fresh_random_numbers(policy: bool) -> None:
    options = SandboxOptions(policy=policy)
    probes = {"legacy": "legacy", "py": "py", "gauss": "gauss"}
    async with Sandbox(workers=1, limits=LIMITS, options=options) as sandbox:
        runs = [await sandbox.run(DRAW, probes=probes) for _ in range(4)]
        seeded = [
            await sandbox.run("import numpy as np\nnp.random.seed(3)\n" + DRAW, probes=probes)
            for _ in range(2)
        ]
    assert all(r.status is Status.OK for r in runs + seeded), runs + seeded
    assert len({r.probes["legacy"].value for r in runs}) == 4
    assert len({r.probes["py"].value for r in runs}) == 4
    assert len({r.probes["gauss"].value for r in runs}) == 4  # no Gaussian cached in the zygote
    assert seeded[0].probes["legacy"].value == seeded[1].probes["legacy"].value  # seeds still work
    assert seeded[0].probes["gauss"].value == seeded[1].probes["gauss"].value
