"""Every status a run can end with, and the limits that lead to them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from sandbox import Limits, Sandbox, SandboxOptions, Status
from tests.sandbox_support import FAST_LIMITS, sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()


async def test_ok_run_returns_stdout_and_probe_values(sandbox: Sandbox) -> None:
    code = (
        "import numpy as np\n"
        "def mse(a, b):\n"
        "    return float(np.mean((np.asarray(a) - np.asarray(b)) ** 2))\n"
        "loss = mse(y, w * x)\n"
        "print('loss', loss)\n"
    )
    result = await sandbox.run(
        code,
        preset={"x": np.array([1.0, 2.0, 3.0]), "y": np.array([2.0, 4.0, 6.0]), "w": 0.5},
        probes={"loss": "loss", "mse": "mse", "small": "mse([1, 2, 3], [1, 2, 5])", "w": "w"},
    )
    assert result.status is Status.OK, result
    assert result.stdout == "loss 10.5\n"
    assert result.probes["loss"].value == pytest.approx(10.5)
    assert result.probes["loss"].kind == "float"
    assert result.probes["mse"].kind == "function"
    assert result.probes["small"].value == pytest.approx(4 / 3)
    assert result.probes["w"].value == 0.5
    assert result.wall_ms > 0


async def test_preset_arrays_arrive_as_arrays(sandbox: Sandbox) -> None:
    code = "shape = x.shape\nkind = str(x.dtype)\ntotal = float(x.sum())\n"
    preset = {"x": np.arange(6, dtype=np.float32).reshape(2, 3)}
    result = await sandbox.run(code, preset=preset, probes={"x": "x", "kind": "kind"})
    assert result.status is Status.OK
    assert result.probes["x"].kind == "ndarray"
    assert result.probes["x"].shape == (2, 3)
    assert result.probes["x"].dtype == "float32"
    assert result.probes["x"].value == [[0, 1, 2], [3, 4, 5]]
    assert result.probes["kind"].value == "float32"


async def test_exception_reports_type_line_and_source(sandbox: Sandbox) -> None:
    result = await sandbox.run("a = 1\n\nb = a / 0\n")
    assert result.status is Status.ERROR
    assert result.error is not None
    assert result.error.type == "ZeroDivisionError"
    assert result.error.line == 3
    assert result.error.source_line == "b = a / 0"
    assert "line 3" in result.message


async def test_exception_inside_a_function_points_at_the_learners_line(sandbox: Sandbox) -> None:
    code = "def f(v):\n    return v[10]\n\nf([1, 2])\n"
    result = await sandbox.run(code)
    assert result.status is Status.ERROR
    assert result.error is not None and result.error.line == 2
    assert result.error.type == "IndexError"


async def test_syntax_error_has_line_and_caret(sandbox: Sandbox) -> None:
    result = await sandbox.run("x = 1\ndef f(:\n    pass\n")
    assert result.status is Status.SYNTAX_ERROR
    assert result.error is not None
    assert result.error.line == 2
    assert result.error.column is not None and result.error.column >= 1
    assert result.error.source_line == "def f(:"


async def test_infinite_loop_times_out(sandbox: Sandbox) -> None:
    result = await sandbox.run("while True:\n    pass\n", limits=Limits(timeout_s=0.5))
    assert result.status is Status.TIMEOUT
    assert "0.5 s" in result.message


async def test_huge_integer_is_stopped(sandbox: Sandbox) -> None:
    result = await sandbox.run("x = 10 ** 10 ** 8\n", limits=Limits(timeout_s=0.5))
    assert result.status in (Status.TIMEOUT, Status.MEMORY)
    assert result.message


@pytest.mark.parametrize(
    "code",
    [
        "import numpy as np\na = np.ones((100000, 100000))\n",
        "s = 'a' * (10 ** 10)\n",
        "x = [0] * (10 ** 9)\n",
    ],
)
async def test_memory_bombs_end_with_memory(sandbox: Sandbox, code: str) -> None:
    result = await sandbox.run(code)
    assert result.status is Status.MEMORY, result
    assert "128 MB" in result.message


async def test_output_flood_is_capped_by_bytes(sandbox: Sandbox) -> None:
    result = await sandbox.run("while True:\n    print('spam' * 100)\n")
    assert result.status is Status.OUTPUT_LIMIT
    assert result.stdout_truncated
    assert len(result.stdout.encode()) <= FAST_LIMITS.output_bytes


async def test_output_is_capped_by_lines(sandbox: Sandbox) -> None:
    limits = Limits(output_lines=10)
    result = await sandbox.run("for i in range(100):\n    print(i)\n", limits=limits)
    assert result.status is Status.OUTPUT_LIMIT
    assert result.stdout.count("\n") <= 10


async def test_catching_the_output_limit_does_not_hide_it(sandbox: Sandbox) -> None:
    code = (
        "for i in range(10 ** 5):\n"
        "    try:\n        print(i)\n    except BaseException:\n        pass\n"
    )
    # A generous clock: on a loaded machine the loop must not end as a timeout instead.
    result = await sandbox.run(code, limits=Limits(output_lines=5, timeout_s=20))
    assert result.status is Status.OUTPUT_LIMIT


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "no code"),
        ("   \n\t\n", "no code"),
        ("x = 1\x00\n", "NUL"),
        (b"x = '\xff'\n", "UTF-8"),
        ("x = 1\n" * 20_000, "limit"),
    ],
)
async def test_bad_input_is_rejected_before_running(
    sandbox: Sandbox, code: str | bytes, fragment: str
) -> None:
    result = await sandbox.run(code)
    assert result.status is Status.REJECTED
    assert fragment in result.message


async def test_input_gets_a_clear_message(sandbox: Sandbox) -> None:
    result = await sandbox.run("name = input('name? ')\n")
    assert result.status is Status.REJECTED
    assert "input() is not available" in result.message
    assert result.error is not None and result.error.line == 1


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "-" * 30_000 + "1\n",
        "x = " + "not " * 7_000 + "1\n",
        "f = " + "lambda: " * 3_500 + "1\n",
    ],
)
async def test_absurd_nesting_is_refused_not_crashed(sandbox: Sandbox, code: str) -> None:
    result = await sandbox.run(code)
    assert result.status in (Status.REJECTED, Status.SYNTAX_ERROR)
    assert result.error is not None and result.error.message


@pytest.mark.parametrize("code", ["exit()\n", "raise SystemExit(3)\n", "raise KeyboardInterrupt\n"])
async def test_exits_and_interrupts_are_results(sandbox: Sandbox, code: str) -> None:
    result = await sandbox.run(code)
    assert result.status in (Status.ERROR, Status.REJECTED)
    assert result.message


async def test_recursion_error_is_an_error(sandbox: Sandbox) -> None:
    result = await sandbox.run("def f(n):\n    return f(n + 1)\nf(0)\n")
    assert result.status is Status.ERROR
    assert result.error is not None and result.error.type == "RecursionError"


async def test_probe_errors_and_odd_values_are_entries(sandbox: Sandbox) -> None:
    code = (
        "import numpy as np\n"
        "class Box:\n    pass\n"
        "box = Box()\nbig = np.zeros(10 ** 6)\nnan = float('nan')\ninf = -float('inf')\n"
        "pair = (1, [2.5, 'a'])\n"
    )
    probes = {
        "missing": "mse(1, 2)",
        "box": "box",
        "big": "big",
        "nan": "nan",
        "inf": "inf",
        "pair": "pair",
        "arr_nan": "np.array([1.0, float('nan')])",
    }
    result = await sandbox.run(code, probes=probes)
    assert result.status is Status.OK
    assert not result.probes["missing"].ok
    assert result.probes["missing"].error is not None
    assert result.probes["missing"].error.type == "NameError"
    assert result.probes["box"].kind == "other"
    assert not result.probes["big"].ok
    assert result.probes["big"].error is not None
    assert result.probes["big"].error.type == "ValueTooLarge"
    assert np.isnan(result.probes["nan"].value)
    assert result.probes["inf"].value == -np.inf
    assert result.probes["pair"].kind == "tuple"
    assert result.probes["pair"].value == [1, [2.5, "a"]]
    assert np.isnan(result.probes["arr_nan"].value[1])


async def test_a_slow_run_does_not_hold_up_a_quick_one(sandbox: Sandbox) -> None:
    slow = asyncio.create_task(sandbox.run("while True:\n    pass\n"))
    await asyncio.sleep(0.05)
    quick = asyncio.create_task(sandbox.run("print('quick')\n"))
    done, _ = await asyncio.wait({slow, quick}, return_when=asyncio.FIRST_COMPLETED)
    assert quick in done and slow not in done
    assert quick.result().stdout == "quick\n"
    assert (await slow).status is Status.TIMEOUT


async def test_saturation_is_visible_and_queued_runs_still_finish() -> None:
    notices: list[str] = []

    async def on_queued() -> None:
        notices.append("queued")

    async with Sandbox(workers=1, limits=FAST_LIMITS) as sandbox:
        loop = "while True:\n    pass\n"
        first = asyncio.create_task(sandbox.run(loop, limits=Limits(timeout_s=0.5)))
        await asyncio.sleep(0.05)
        assert sandbox.saturated
        second = await sandbox.run("print(2)\n", on_queued=on_queued)
        assert second.stdout == "2\n"
        assert notices == ["queued"]
        assert (await first).status is Status.TIMEOUT


async def test_a_crashing_child_is_reported_as_crashed() -> None:
    options = SandboxOptions(policy=False)
    async with Sandbox(workers=1, limits=FAST_LIMITS, options=options) as sandbox:
        result = await sandbox.run("import os\nos.abort()\n")
        assert result.status is Status.CRASHED
        assert result.error is not None and "SIGABRT" in result.error.message


async def test_the_pool_recovers_when_the_zygote_dies() -> None:
    async with Sandbox(workers=1, limits=FAST_LIMITS) as sandbox:
        running = asyncio.create_task(sandbox.run("while True:\n    pass\n"))
        await asyncio.sleep(0.1)
        zygote = sandbox._zygote
        assert zygote is not None
        os.kill(zygote.process.pid, signal.SIGKILL)
        crashed = await running
        assert crashed.status is Status.CRASHED
        again = await sandbox.run("print('back')\n")
        assert again.status is Status.OK and again.stdout == "back\n"


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


def _statuses(zygote_pid: int) -> dict[int, str]:
    """/proc/PID/status of each process under the zygote's (the zygote is PID 1 of its own
    PID namespace, a child of the process the pool started, so it is among them)."""
    found = {}
    for pid in _descendants(zygote_pid):
        with contextlib.suppress(OSError):
            found[pid] = Path(f"/proc/{pid}/status").read_text()
    return found


def _running_children(zygote_pid: int) -> set[int]:
    """Children of the zygote that took a job: seccomp is on (a spare child waiting for its
    job has its other layers, not that one)."""
    return {pid for pid, status in _statuses(zygote_pid).items() if "\nSeccomp:\t2" in status}


@pytest.mark.skipif(os.geteuid() != 0, reason="reads the status of children of another user")
async def test_a_cancelled_run_kills_its_child() -> None:
    async with Sandbox(workers=1, limits=Limits(timeout_s=30)) as sandbox:
        zygote = sandbox._zygote
        assert zygote is not None
        task = asyncio.create_task(sandbox.run("while True:\n    pass\n"))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if running := _running_children(zygote.process.pid):
                break
        assert running, "the run never started"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for _ in range(500):  # the child must go long before its 30 s timeout
            await asyncio.sleep(0.01)
            if not running & _running_children(zygote.process.pid):
                break
        assert not running & _running_children(zygote.process.pid)


@pytest.mark.skipif(os.geteuid() != 0, reason="reads the status of children of another user")
async def test_spare_children_wait_for_their_job_already_unprivileged() -> None:
    """Every layer that does not depend on the job is applied while a child waits for one
    (off the run's clock): a spare child has dropped to the sandbox user already; only
    seccomp, which follows the job's rlimits, is still to come."""
    async with Sandbox(workers=1) as sandbox:
        assert (await sandbox.run("x = 1\n")).status is Status.OK
        zygote = sandbox._zygote
        assert zygote is not None
        waiting: list[int] = []
        for _ in range(200):
            await asyncio.sleep(0.01)
            waiting = [
                pid
                for pid, status in _statuses(zygote.process.pid).items()
                if "\nSeccomp:\t0" in status
                and "\nState:\tS" in status
                and "\nUid:\t65534\t65534\t65534\t65534" in status
            ]
            if waiting:
                break
    assert waiting, "no spare child had dropped its uid while it waited"
