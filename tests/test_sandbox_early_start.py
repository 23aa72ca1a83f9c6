"""A zygote can be started before the pool knows its configuration (the command line
starts it first thing): it imports meanwhile, waits for its configuration on the control
socket, and exits on its own when nobody configures it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from sandbox import Sandbox, Status
from sandbox.zygote_client import wait_exited
from sandbox.zygote_launch import launch_zygote

ROOT = Path(__file__).resolve().parents[1]


def _descendants(pid: int) -> set[int]:
    found, pending = set(), [pid]
    while pending:
        parent = pending.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as children:
                kids = {int(k) for k in children.read().split()}
        except FileNotFoundError:
            continue
        found |= kids
        pending += kids
    return found


async def test_a_launched_zygote_is_the_one_the_pool_configures_and_uses() -> None:
    launched = launch_zygote()
    await asyncio.sleep(0.05)  # still importing: nothing has been sent to it yet
    async with Sandbox(workers=1, launched=launched) as sandbox:
        assert sandbox._zygote is not None and sandbox._zygote.process is launched.process
        result = await sandbox.run("print(6 * 7)")
        assert result.status is Status.OK and result.stdout == "42\n", result
        # The child ran under the launched process, with the configured single spare.
        assert _descendants(launched.process.pid)
    assert launched.process.poll() is not None  # closed with the pool


async def test_a_launched_zygote_nobody_configures_exits_when_the_pool_closes() -> None:
    launched = launch_zygote()
    sandbox = Sandbox(workers=1, launched=launched)
    await sandbox.close()  # never started
    assert launched.process.poll() == 0  # it saw end of file, and left without forking
    assert launched.control.fileno() == -1


async def test_a_launched_zygote_whose_owner_vanishes_exits_by_itself() -> None:
    launched = launch_zygote()
    launched.control.close()  # as when the command line fails before configuring it
    assert await wait_exited(launched.process, timeout=60)
    assert launched.process.returncode == 0


async def test_the_first_message_configures_it_and_it_answers_hello() -> None:
    launched = launch_zygote()
    try:
        launched.control.send(json.dumps({"spare": 1, "policy": True}).encode())
        launched.control.setblocking(False)
        loop = asyncio.get_running_loop()
        hello = json.loads(await asyncio.wait_for(loop.sock_recv(launched.control, 65536), 60))
        assert hello["op"] == "hello" and hello["layers"]
    finally:
        launched.control.close()
        assert await wait_exited(launched.process, timeout=30)


def test_the_launcher_imports_no_asyncio() -> None:
    probe = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
        "import sandbox.zygote_launch; print('asyncio' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr
