"""Where one sandbox run's time goes, step by step, with the sandbox's own functions.

    python benchmarks/profile_sandbox_run.py [--runs 200]

Each step of a run of bench_sandbox's typical solution is timed alone, N times, in this
process (median of wall time and of CPU time, so a busy machine shows in the wall column
and much less in the CPU one):

- pool side, before: validating the code, building the job (the preset's encoding), its frame
- zygote side: forking a child with NumPy and the sandbox loaded, and reaping it
- child: applying the OS layers (rlimits, Landlock, uid drop, seccomp; the namespaces are
  the zygote's, entered once), reseeding, reading the job, compiling under the policy,
  building the namespace, exec, probes with their values' encoding, the result frame
- pool side, after: reading the frame back into a RunResult
- the whole run through a warm Sandbox, and its marginal CPU per run (parent, zygote and
  children, from rusage), for comparison with the sum of the steps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_sandbox  # noqa: E402

from sandbox import Limits, Sandbox  # noqa: E402
from sandbox.child import _probe, execute_job  # noqa: E402
from sandbox.child_io import assemble  # noqa: E402
from sandbox.facades import build_facades  # noqa: E402
from sandbox.guards import CappedOutput  # noqa: E402
from sandbox.job import make_job  # noqa: E402
from sandbox.os_layers import (  # noqa: E402
    LAYER_NAMES,
    apply_child,
    default_readable_paths,
    landlock,
    seccomp,
)
from sandbox.policy import compile_learner_code, learner_namespace  # noqa: E402
from sandbox.protocol import HEADER, decode_body, encode_frame  # noqa: E402
from sandbox.validation import validate_code  # noqa: E402
from sandbox.values import decode_preset  # noqa: E402
from sandbox.zygote import reseed_random_generators  # noqa: E402

LIMITS = Limits()
CODE, PROBES = bench_sandbox.SOLUTION, bench_sandbox.PROBES


def measure(step: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `step()`."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def in_children(step: Callable[[], None], runs: int) -> tuple[float, float]:
    """Median wall and CPU ms of `step()` run in a fresh forked child each time (for what
    only a child may do: apply the layers); each child reports through a pipe."""
    walls, cpus = [], []
    for _ in range(runs):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                step()
                took = [(time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000]
                os.write(write, json.dumps(took).encode())
            finally:
                os._exit(0)
        os.close(write)
        wall_ms, cpu_ms = json.loads(os.read(read, 4096))
        os.close(read)
        os.waitpid(pid, 0)
        walls.append(wall_ms)
        cpus.append(cpu_ms)
    return statistics.median(walls), statistics.median(cpus)


def fork_and_reap() -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0)
    os.waitpid(pid, 0)


def full_children(job: dict[str, Any], facades: Any, runs: int) -> tuple[float, float]:
    """Fork, a child that runs the job and writes its frame, reap: wall, and CPU of parent
    and child together (rusage), page faults of the fresh child included."""
    walls, cpus = [], []
    frame = encode_frame(job)
    for _ in range(runs):
        before = _cpu()
        began = time.perf_counter()
        read, write = os.pipe()
        pid = os.fork()
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
        os.waitpid(pid, 0)
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((_cpu() - before) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def steps(runs: int) -> list[tuple[str, tuple[float, float]]]:
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

    def layers() -> None:
        apply_child(
            enabled,
            memory_mb=LIMITS.memory_mb,
            cpu_seconds=int(LIMITS.timeout_s) + 1,
            readable_paths=readable,
        )

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
        ("zygote: fork + reap a child", measure(fork_and_reap, runs)),
        ("  the same, the child running a job", full_children(job, facades, runs)),
        ("child: apply the OS layers", in_children(layers, max(20, runs // 5))),
        ("child: reseed the generators", measure(reseed_random_generators, runs)),
        ("child: read the job frame", measure(lambda: decode_body(frame[HEADER.size :]), runs)),
        ("child: compile (policy)", measure(lambda: compile_learner_code(CODE), runs)),
        ("child: namespace + preset", measure(namespace, runs)),
        ("child: exec the code", measure(run_code, runs)),
        ("child: probes + encoding", measure(lambda: _probe(PROBES, ready, job), runs)),
        ("child: result frame (JSON)", measure(lambda: encode_frame({"result": result}), runs)),
        ("pool: read the result",
         measure(lambda: assemble(result_frame, {"completed": True}, LIMITS), runs)),
    ]  # fmt: skip


async def whole_run(runs: int) -> tuple[float, float, float, float]:
    """p50 wall of one run through a warm pool, and marginal CPU per run from rusage
    (two sessions of different length, so start-up cancels out)."""
    preset = bench_sandbox.lesson_data()

    async def session(count: int) -> tuple[list[float], float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        before = own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime
        walls = []
        async with Sandbox(workers=2, limits=LIMITS) as sandbox:
            for _ in range(count):
                began = time.perf_counter()
                await sandbox.run(CODE, preset=preset, probes=PROBES)
                walls.append((time.perf_counter() - began) * 1000)
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (
            walls,
            own.ru_utime + own.ru_stime - before[0],
            kids.ru_utime + kids.ru_stime - before[1],
        )

    _, parent_short, kids_short = await session(10)
    walls, parent_long, kids_long = await session(10 + runs)
    return (
        statistics.median(walls),
        bench_sandbox.percentile(walls, 99),
        (parent_long - parent_short) / runs * 1000,
        (kids_long - kids_short) / runs * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    one, five, _ = os.getloadavg()
    print(f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores")
    found = steps(args.runs)
    print(f"{'step':34}{'wall ms':>9}{'CPU ms':>9}")
    for name, (wall, cpu) in found:
        print(f"{name:34}{wall:9.3f}{cpu:9.3f}")
    print(f"{'sum of the steps':34}{sum(w for _, (w, _) in found):9.3f}"
          f"{sum(c for _, (_, c) in found):9.3f}")  # fmt: skip
    p50, p99, parent, kids = asyncio.run(whole_run(args.runs))
    print(f"whole run through a warm pool: p50 {p50:.2f} ms, p99 {p99:.2f} ms; CPU per run "
          f"{parent + kids:.2f} ms: the pool (this process) {parent:.2f} ms, the zygote and "
          f"the child {kids:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
