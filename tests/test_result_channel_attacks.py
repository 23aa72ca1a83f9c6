"""The reported attacks on the result channel, through the real pool with the policy OFF:
plain Python in the child, as if the policy had fallen. The pool must still decide the
status from how the child ended, and never raise."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

import sandbox
from sandbox import Limits, Sandbox, SandboxOptions, Status
from sandbox.child_io import RESULT_CAP
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")

plain = sandbox_fixture(SandboxOptions(policy=False), workers=2)
policed = sandbox_fixture(SandboxOptions(policy=True), workers=1)

# Finds the result pipe (and, for the worst case, the wrapper's exit token) in the
# wrapper's stack, writes a frame of its own and leaves as the test asks.
FORGE = """
import json, os, struct, sys
frame = sys._getframe()
found = {}
while frame is not None:
    for name in ("result_fd", "token"):
        if name in frame.f_locals and name not in found:
            found[name] = frame.f_locals[name]
    frame = frame.f_back
def send(body):
    data = struct.pack(">I", len(body)) + body
    while data:
        data = data[os.write(found["result_fd"], data):]
def forge(result):
    send(json.dumps({"result": result}).encode())
OK = {"status": "ok", "stdout": "forged\\n", "error": None,
      "probes": {"w": {"ok": True, "kind": "float", "value": 42.0}}}
"""


async def test_a_forged_frame_then_exit_is_not_ok(plain: Sandbox) -> None:
    result = await plain.run(FORGE + "forge(OK)\nos._exit(0)\n", probes={"w": "1.0"})
    assert result.status is Status.CRASHED, result
    assert result.stdout == "" and not result.probes


async def test_a_forged_frame_then_returning_normally_is_two_frames(plain: Sandbox) -> None:
    result = await plain.run(FORGE + "forge(OK)\n", probes={"w": "1.0"})
    assert result.status is Status.CRASHED, result


async def test_a_forged_frame_then_a_loop_is_a_timeout(plain: Sandbox) -> None:
    result = await plain.run(FORGE + "forge(OK)\nwhile True:\n    pass\n")
    assert result.status is Status.TIMEOUT, result
    assert result.stdout == "" and not result.probes


@pytest.mark.parametrize(
    "payload",
    [
        'send(b\'{"result":{"status":"ok","probes":{"p":{"ok":true,"value":\''
        ' + b"[" * 200000 + b"]" * 200000 + b"}}}}")',
        'forge({**OK, "probes": {"p": {"ok": True, "kind": "x", "value": 1, "shape": ["boom"]}}})',
        'forge({"status": "error", "stdout": "", "probes": {},'
        ' "error": {"type": "E", "message": "m" * 7_000_000}})',
        'forge({"status": "rejected", "stdout": "", "probes": {},'
        ' "error": {"type": "NotAvailable", "message": "learner text"}})',
    ],
    ids=["deep-json", "probe-shape-boom", "seven-megabyte-message", "forged-rejected"],
)
async def test_hostile_frames_with_the_wrappers_own_exit_never_raise(
    plain: Sandbox, payload: str
) -> None:
    # The worst case: the child found its token too. The frame is then believed as far
    # as it is well-formed, and no further.
    result = await plain.run(FORGE + payload + "\nos._exit(found['token'])\n")
    assert result.status in (Status.CRASHED, Status.ERROR), result
    if result.error is not None:
        assert len(result.error.message) <= 2000


async def test_a_result_over_the_cap_is_a_crash(plain: Sandbox) -> None:
    code = FORGE + f"send(b'x' * {RESULT_CAP + 4096})\nos._exit(found['token'])\n"
    result = await plain.run(code, limits=Limits(timeout_s=10.0, memory_mb=128))
    assert result.status is Status.CRASHED, result
    assert result.error is not None and "more result data" in result.error.message


async def test_an_honest_run_with_big_output_stays_under_the_cap(policed: Sandbox) -> None:
    result = await policed.run("print('x' * 10_000_000)")
    assert result.status is Status.OUTPUT_LIMIT, result
    probes = {f"p{i}": "big" for i in range(12)}  # 12 x 1 MB would pass RESULT_CAP
    result = await policed.run("import numpy as np\nbig = np.zeros(2_000_000)", probes=probes)
    assert result.status is Status.OK, result
    assert all(not p.ok and p.error and p.error.type == "ValueTooLarge"
               for p in result.probes.values())  # fmt: skip


async def test_raising_the_policys_own_refusal_type_never_gives_rejected_with_learner_text(
    policed: Sandbox,
) -> None:
    genuine = await policed.run("import os\n")
    assert genuine.status is Status.REJECTED, genuine
    forged = await policed.run(
        "try:\n    import os\nexcept Exception as e:\n    raise type(e)('learner text')\n"
    )
    # The policy hands out a stand-in for the refusal's class, and calling it is refused
    # in the policy's own words: the learner's text never comes back as `rejected`.
    assert forged.error is not None and forged.error.message != "learner text", forged
    assert forged.status is Status.REJECTED and forged.error.type == "NotAvailable", forged


async def test_a_refusal_raised_from_learner_code_is_not_the_policys() -> None:
    """The child's own check, below the policy: even the real refusal class, raised by
    code compiled as the learner's, is `error`, not `rejected`."""
    from sandbox.child import _refused_by_policy
    from sandbox.guards import ImportRefused

    def raised_from(filename: str) -> BaseException:
        try:
            exec(compile("raise E('learner text')", filename, "exec"), {"E": ImportRefused})
        except ImportRefused as exc:
            return exc
        raise AssertionError("nothing was raised")

    assert not _refused_by_policy(raised_from("<learner>"))
    assert _refused_by_policy(raised_from(str(Path(sandbox.__file__).parent / "guards.py")))


async def test_greek_letters_work_as_names(policed: Sandbox) -> None:
    result = await policed.run("α = 0.1\nη = 2 * α\nprint(η)\n", probes={"eta": "η"})
    assert result.status is Status.OK, result
    assert result.stdout == "0.2\n" and result.probes["eta"].value == 0.2


async def test_each_run_closes_its_pipes(plain: Sandbox) -> None:
    codes = ["print(1)", "while True: pass", "import os; os._exit(3)", "raise ValueError"]
    for code in codes:  # warm every path once
        await plain.run(code)
    before = sorted(os.listdir("/proc/self/fd"))
    for _ in range(5):
        for code in codes:
            await plain.run(code, limits=Limits(timeout_s=0.3, memory_mb=128))
    assert sorted(os.listdir("/proc/self/fd")) == before


CLOSE_AND_SPIN = """
import os
for fd in range(3, 64):
    try:
        os.close(fd)
    except OSError:
        pass
while True:
    pass
"""


async def test_a_child_that_closes_its_pipe_early_still_holds_its_worker() -> None:
    """The pool frees a run's slot once its result pipe ends; the zygote keeps the cap on
    running children. A child that closes its pipe and runs on holds its worker until it
    is killed at its timeout: the next run cannot start before then."""
    hold = Limits(timeout_s=1.0)
    async with Sandbox(workers=1, limits=hold, options=SandboxOptions(policy=False)) as box:
        submitted = time.monotonic()
        escaped = asyncio.create_task(box.run(CLOSE_AND_SPIN))
        await asyncio.sleep(0.2)  # it has its child, and closed the pipe
        assert not box.saturated  # the pool's slot is free: only the zygote holds the cap
        later = await box.run(
            "import time\nstarted = time.monotonic()\n", probes={"started": "started"}
        )
        first = await escaped
    assert first.status is Status.TIMEOUT, first
    assert later.status is Status.OK, later
    assert later.probes["started"].value >= submitted + hold.timeout_s
