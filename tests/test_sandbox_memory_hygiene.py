"""No learner's code or output ever sits in the zygote's memory.

Every child is forked from the zygote, so whatever the zygote holds (even freed, not yet
overwritten) a later learner's child would inherit. The pool talks to children directly;
this test reads the zygote's memory after a run and looks for that run's code and output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox import Sandbox, Status
from tests.sandbox_support import FAST_LIMITS


def _memory_contains(pid: int, needles: list[bytes]) -> list[bytes]:
    found = []
    with open(f"/proc/{pid}/maps") as maps_file:
        maps = maps_file.read().splitlines()
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            fields = line.split()
            if not fields[1].startswith("r") or (len(fields) > 5 and fields[5] == "[vvar]"):
                continue
            start, end = (int(part, 16) for part in fields[0].split("-"))
            try:
                mem.seek(start)
                region = mem.read(end - start)
            except OSError:
                continue
            found += [needle for needle in needles if needle in region and needle not in found]
    return found


def _zygote_pid(started: int) -> int:
    """The zygote is PID 1 of its own PID namespace: the one child of the process the pool
    started (which only waits for it), or that process itself without a PID namespace."""
    children = Path(f"/proc/{started}/task/{started}/children").read_text().split()
    return int(children[0]) if children else started


@pytest.mark.skipif(os.geteuid() != 0, reason="reading another process's memory needs root")
async def test_a_runs_code_and_output_never_reach_the_zygote() -> None:
    secret_code = "learner_secret_code_93f1c7"
    secret_output = "learner_secret_output_" + "5e2a"  # only the child ever joins these
    code = f"{secret_code} = 1\nprint('learner_secret_output_' + '5e2a')\n"
    async with Sandbox(workers=1, limits=FAST_LIMITS) as sandbox:
        result = await sandbox.run(code, probes={"echo": secret_code})
        assert result.status is Status.OK and secret_output in result.stdout
        zygote = sandbox._zygote
        assert zygote is not None
        zygote_pid = _zygote_pid(zygote.process.pid)
        assert "sandbox.zygote" in Path(f"/proc/{zygote_pid}/cmdline").read_text()
        leaked = _memory_contains(zygote_pid, [secret_code.encode(), secret_output.encode()])
    assert leaked == []
