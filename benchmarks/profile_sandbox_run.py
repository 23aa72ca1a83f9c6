"""Where one sandbox run's time goes, step by step, with the sandbox's own functions.

    python benchmarks/profile_sandbox_run.py [--runs 200]

Each step of a run of bench_sandbox's typical solution is timed alone, N times, in this
process (median of wall time and of CPU time, so a busy machine shows in the wall column
and much less in the CPU one):

- pool side, before: validating the code, building the job (the preset's encoding), its frame
- zygote side: forking a child with NumPy and the sandbox loaded, and reaping it
- child: applying the OS layers (while it waits for its job: measuring for the rlimits,
  Landlock, the uid drop; once the job is in: the rlimits, seccomp; the namespaces are the
  zygote's, entered once), reseeding, reading the job, compiling under the policy,
  building the namespace, exec, probes with their values' encoding, the result frame
- pool side, after: reading the frame back into a RunResult
- the whole run through a warm Sandbox, and its marginal CPU per run (parent, zygote and
  children, from rusage), for comparison with the sum of the steps.

The faults column is minor page faults: in a forked child, nearly every one is a page of
the zygote's memory copied because the child wrote to it (copy-on-write), and on this kind
of machine each costs some microseconds, so it counts where a fresh child's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
# As in the zygote: OpenBLAS on one thread, so this process can fork the way the zygote does.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import bench_sandbox  # noqa: E402

from sandbox import Limits, Sandbox  # noqa: E402
from sandbox.child import _probe, execute_job  # noqa: E402
from sandbox.child_io import assemble  # noqa: E402
from sandbox.facades import build_facades  # noqa: E402
from sandbox.fresh_child import ForkStart, Reseeder  # noqa: E402
from sandbox.guards import CappedOutput  # noqa: E402
from sandbox.job import make_job  # noqa: E402
from sandbox.os_layers import (  # noqa: E402
    LAYER_NAMES,
    EarlyLayers,
    before_job,
    default_readable_paths,
    for_job,
    landlock,
    seccomp,
)
from sandbox.policy import compile_learner_code, learner_namespace  # noqa: E402
from sandbox.protocol import HEADER, decode_body, encode_frame  # noqa: E402
from sandbox.validation import validate_code  # noqa: E402
from sandbox.values import decode_preset  # noqa: E402

LIMITS = Limits()
FORK = ForkStart()  # the zygote's fork: libc's own while this process runs one thread
CODE, PROBES = bench_sandbox.SOLUTION, bench_sandbox.PROBES


Timing = tuple[float, float, float | None]  # median wall ms, CPU ms, minor faults


def measure(step: Callable[[], Any], runs: int) -> Timing:
    """Median wall and CPU milliseconds of `step()` in this warm process (no faults)."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus), None


def in_children(
    step: Callable[[], None], runs: int, setup: Callable[[], None] | None = None
) -> Timing:
    """Median wall and CPU ms and minor faults of `step()` run in a fresh forked child each
    time (for what only a child may do: apply the layers), after the untimed `setup()`;
    each child reports through a pipe. The step runs before seccomp, or ends with it:
    getrusage is not allowed after. CPU is the thread's clock: the process clock reads
    wrong once RLIMIT_CPU is set."""
    walls, cpus, faults = [], [], []
    for _ in range(runs):
        read, write = os.pipe()
        pid = FORK()
        if pid == 0:  # pragma: no cover - the child
            try:
                if setup is not None:
                    setup()
                wall, cpu = time.perf_counter(), time.thread_time()
                before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                step()
                took = [(time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000]
                with contextlib.suppress(PermissionError):
                    took.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
                os.write(write, json.dumps(took).encode())
            finally:
                os._exit(0)
        os.close(write)
        wall_ms, cpu_ms, *fault_count = json.loads(os.read(read, 4096))
        os.close(read)
        os.waitpid(pid, 0)
        walls.append(wall_ms)
        cpus.append(cpu_ms)
        faults += fault_count
    return (
        statistics.median(walls),
        statistics.median(cpus),
        statistics.median(faults) if faults else None,
    )


def fork_and_reap(runs: int) -> Timing:
    """Fork a child that exits at once, and reap it: CPU of both, the child's faults."""
    walls, cpus, faults = [], [], []
    for _ in range(runs):
        before = _cpu()
        began = time.perf_counter()
        pid = FORK()
        if pid == 0:  # pragma: no cover - the child
            os._exit(0)
        _, _, usage = os.wait4(pid, 0)
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((_cpu() - before) * 1000)
        faults.append(usage.ru_minflt)
    return statistics.median(walls), statistics.median(cpus), statistics.median(faults)


def full_children(job: dict[str, Any], facades: Any, runs: int) -> Timing:
    """Fork, a child that runs the job and writes its frame, reap: wall, and CPU of parent
    and child together (rusage), page faults of the fresh child included."""
    walls, cpus, faults = [], [], []
    frame = encode_frame(job)
    for _ in range(runs):
        before = _cpu()
        began = time.perf_counter()
        read, write = os.pipe()
        pid = FORK()
        if pid == 0:  # pragma: no cover - the child
            try:
                result = execute_job(decode_body(frame[HEADER.size :]), facades, policy=True)
                os.write(write, encode_frame({"result": result}))
            finally:
                os._exit(0)
        os.close(write)
        while os.read(read, 65536):
            pass
        os.close(read)
        _, _, usage = os.wait4(pid, 0)
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((_cpu() - before) * 1000)
        faults.append(usage.ru_minflt)
    return statistics.median(walls), statistics.median(cpus), statistics.median(faults)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def steps(runs: int) -> list[tuple[str, Timing]]:
    preset = bench_sandbox.lesson_data()
    facades = build_facades()
    job = make_job(CODE, preset, PROBES, LIMITS)
    frame = encode_frame(job)
    result = execute_job(decode_body(frame[HEADER.size :]), facades, policy=True)
    result_frame = encode_frame({"result": result})
    compiled = compile_learner_code(CODE)
    enabled = frozenset(LAYER_NAMES) - {"netns", "ipcns", "pidns"}  # the zygote's, not a run's
    seccomp.prepare()
    landlock.prepare()
    readable = default_readable_paths()
    reseed = Reseeder()
    reseed.prepare()
    FORK.choose()

    early: list[EarlyLayers] = []

    def layers_waiting() -> None:
        early.append(before_job(enabled, readable_paths=readable))

    def layers_for_job() -> None:
        for_job(enabled, early[-1], memory_mb=LIMITS.memory_mb,
                cpu_seconds=int(LIMITS.timeout_s) + 1)  # fmt: skip

    def namespace() -> dict[str, Any]:
        output = CappedOutput(LIMITS.output_bytes, LIMITS.output_lines)
        return learner_namespace(facades, output, decode_preset(job["preset"]))

    def run_code() -> None:
        exec(compiled, namespace())  # type: ignore[arg-type]

    ready = namespace()
    exec(compiled, ready)  # type: ignore[arg-type]
    return [
        ("pool: validate the code", measure(lambda: validate_code(CODE, LIMITS), runs)),
        ("pool: job + preset encoding",
         measure(lambda: make_job(CODE, preset, PROBES, LIMITS), runs)),
        ("pool: job frame (JSON)", measure(lambda: encode_frame(job), runs)),
        ("zygote: fork + reap a child", fork_and_reap(runs)),
        ("  the same, the child running a job", full_children(job, facades, runs)),
        ("child, idle: measure, Landlock, uid",
         in_children(layers_waiting, max(20, runs // 5))),
        ("child, with job: rlimits, seccomp",
         in_children(layers_for_job, max(20, runs // 5), setup=layers_waiting)),
        ("child: reseed the generators", in_children(reseed, runs)),
        ("child: read the job frame", measure(lambda: decode_body(frame[HEADER.size :]), runs)),
        ("child: compile (policy)", measure(lambda: compile_learner_code(CODE), runs)),
        ("child: namespace + preset", measure(namespace, runs)),
        ("child: exec the code", measure(run_code, runs)),
        ("child: probes + encoding", measure(lambda: _probe(PROBES, ready, job), runs)),
        ("child: result frame (JSON)", measure(lambda: encode_frame({"result": result}), runs)),
        ("pool: read the result",
         measure(lambda: assemble(result_frame, {"completed": True}, LIMITS), runs)),
    ]  # fmt: skip


@dataclass(frozen=True)
class WholeRun:
    p50_ms: float
    p99_ms: float
    pool_cpu_ms: float  # per run, this process
    zygote_cpu_ms: float
    children_cpu_ms: float
    zygote_faults: float  # minor faults per run
    children_faults: float


def _zygote_pid(launcher_pid: int) -> int:
    """The zygote itself: with a PID namespace, the process the pool started only waits
    for it, its one child."""
    with open(f"/proc/{launcher_pid}/task/{launcher_pid}/children") as children:
        found = children.read().split()
    return int(found[0]) if len(found) == 1 else launcher_pid


def _proc_usage(pid: int) -> tuple[float, float, float, float]:
    """(own CPU ms, reaped children's CPU ms, own minor faults, children's) from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    minflt, cminflt = int(fields[7]), int(fields[8])
    own = (int(fields[11]) + int(fields[12])) * tick
    children = (int(fields[13]) + int(fields[14])) * tick
    return own, children, minflt, cminflt


async def whole_run(runs: int) -> WholeRun:
    """p50 wall of one run through a warm pool, and per run: CPU of this process, of the
    zygote and of its children, and their minor faults (deltas over `runs` runs)."""
    preset = bench_sandbox.lesson_data()
    walls = []
    async with Sandbox(workers=2, limits=LIMITS) as sandbox:
        for _ in range(20):  # warm: the children pre-forked, the zygote's loop quickened
            await sandbox.run(CODE, preset=preset, probes=PROBES)
        assert sandbox._zygote is not None
        zygote = _zygote_pid(sandbox._zygote.process.pid)
        own = resource.getrusage(resource.RUSAGE_SELF)
        before = _proc_usage(zygote)
        for _ in range(runs):
            began = time.perf_counter()
            await sandbox.run(CODE, preset=preset, probes=PROBES)
            walls.append((time.perf_counter() - began) * 1000)
        after = _proc_usage(zygote)
        done = resource.getrusage(resource.RUSAGE_SELF)
    per_run = [(b - a) / runs for a, b in zip(before, after, strict=True)]
    pool = (done.ru_utime + done.ru_stime - own.ru_utime - own.ru_stime) * 1000 / runs
    return WholeRun(
        p50_ms=statistics.median(walls),
        p99_ms=bench_sandbox.percentile(walls, 99),
        pool_cpu_ms=pool,
        zygote_cpu_ms=per_run[0],
        children_cpu_ms=per_run[1],
        zygote_faults=per_run[2],
        children_faults=per_run[3],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    one, five, _ = os.getloadavg()
    print(f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores")
    found = steps(args.runs)
    print(f"{'step':36}{'wall ms':>9}{'CPU ms':>9}{'faults':>8}")
    for name, (wall, cpu, faults) in found:
        shown = "" if faults is None else f"{faults:.0f}"
        print(f"{name:36}{wall:9.3f}{cpu:9.3f}{shown:>8}")
    steps_only = [timing for name, timing in found if not name.startswith(" ")]
    print(f"{'sum of the steps':36}{sum(t[0] for t in steps_only):9.3f}"
          f"{sum(t[1] for t in steps_only):9.3f}")  # fmt: skip
    whole = asyncio.run(whole_run(args.runs))
    total = whole.pool_cpu_ms + whole.zygote_cpu_ms + whole.children_cpu_ms
    print(f"whole run through a warm pool: p50 {whole.p50_ms:.2f} ms, p99 {whole.p99_ms:.2f} ms")
    print(
        f"  CPU per run {total:.2f} ms: the pool (this process) {whole.pool_cpu_ms:.2f}, "
        f"the zygote {whole.zygote_cpu_ms:.2f}, the child {whole.children_cpu_ms:.2f}"
    )
    print(f"  minor faults per run: the zygote {whole.zygote_faults:.0f}, "
          f"the child {whole.children_faults:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
