"""Sandbox latency and throughput, beside a naive baseline (a fresh `python` per run).

    python benchmarks/bench_sandbox.py [--runs 400] [--workers N]

Prints p50/p99 latency of one run of a typical lesson solution (the gradient-descent step
of the how-models-learn lesson, with the probes a grader uses), throughput with every core
busy, the same for the baseline, their ratios, and the worst event-loop lag seen while the
pool was saturated (the bot's loop must never be blocked by a run).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import numpy as np

from sandbox import Sandbox, Status
from sandbox.workers import default_workers

SOLUTION = """
import numpy as np

def mse(y_true, y_pred):
    diffs = np.asarray(y_true) - np.asarray(y_pred)
    return float(np.mean(diffs ** 2))

loss_before = mse(y, w * x)
grad = np.mean(2 * (w * x - y) * x)
w = w - lr * grad
loss_after = mse(y, w * x)
print(f"loss {loss_before:.4f} -> {loss_after:.4f}")
"""

PROBES = {
    "mse_small": "mse([1, 2, 3], [1, 2, 5])",
    "loss_before": "loss_before",
    "loss_after": "loss_after",
    "w": "w",
}

# The baseline does the same job the naive way: a new interpreter imports numpy and
# RestrictedPython, compiles under the policy and runs, for every submission.
BASELINE = """
import sys, numpy as np
from RestrictedPython import compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import guarded_iter_unpack_sequence
rng = np.random.default_rng(0)
x = rng.normal(size=32); y = 3 * x + rng.normal(scale=0.1, size=32)
code = compile_restricted_exec(sys.stdin.read()).code
out = []
class P:
    def __init__(self, _=None): pass
    def _call_print(self, *a, **k): out.append(" ".join(map(str, a)))
g = {"__builtins__": dict(safe_builtins, __import__=__import__), "_getattr_": getattr,
     "_getitem_": lambda o, i: o[i], "_getiter_": iter, "_print_": P, "_write_": lambda o: o,
     "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "x": x, "y": y, "w": 0.5, "lr": 0.1}
exec(code, g)
print(g["loss_before"], g["loss_after"])
"""


def lesson_data() -> dict[str, object]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=32)
    return {"x": x, "y": 3 * x + rng.normal(scale=0.1, size=32), "w": 0.5, "lr": 0.1}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def measure_loop_lag(stop: asyncio.Event, lags: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append((time.perf_counter() - start - 0.001) * 1000)


async def bench_pool(runs: int, workers: int) -> dict[str, float]:
    preset = lesson_data()
    async with Sandbox(workers=workers) as sandbox:
        for _ in range(20):  # warm the pre-forked children
            await sandbox.run(SOLUTION, preset=preset, probes=PROBES)
        latencies = []
        for _ in range(runs):
            start = time.perf_counter()
            result = await sandbox.run(SOLUTION, preset=preset, probes=PROBES)
            latencies.append((time.perf_counter() - start) * 1000)
            assert result.status is Status.OK, result
        start = time.perf_counter()
        results = await asyncio.gather(
            *(sandbox.run(SOLUTION, preset=preset, probes=PROBES) for _ in range(runs * 2))
        )
        elapsed = time.perf_counter() - start
        assert all(r.status is Status.OK for r in results)
        # The loop's lag is measured while saturated again, apart: its probe wakes the loop
        # a thousand times a second, which would take its share of a core from the runs.
        stop, lags = asyncio.Event(), list[float]()
        lag_task = asyncio.create_task(measure_loop_lag(stop, lags))
        results = await asyncio.gather(
            *(sandbox.run(SOLUTION, preset=preset, probes=PROBES) for _ in range(runs))
        )
        stop.set()
        await lag_task
        assert all(r.status is Status.OK for r in results)
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "throughput": runs * 2 / elapsed,
        "max_lag": max(lags),
        "p99_lag": percentile(lags, 99),
    }


async def baseline_once(semaphore: asyncio.Semaphore) -> float:
    async with semaphore:
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", BASELINE,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )  # fmt: skip
        out, _ = await process.communicate(SOLUTION.encode())
        assert process.returncode == 0 and out
        return (time.perf_counter() - start) * 1000


async def bench_baseline(runs: int, workers: int) -> dict[str, float]:
    one_at_a_time = asyncio.Semaphore(1)
    latencies = [await baseline_once(one_at_a_time) for _ in range(runs)]
    all_cores = asyncio.Semaphore(workers)
    start = time.perf_counter()
    await asyncio.gather(*(baseline_once(all_cores) for _ in range(runs * 2)))
    elapsed = time.perf_counter() - start
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "throughput": runs * 2 / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400, help="sequential runs (x2 concurrent)")
    parser.add_argument("--baseline-runs", type=int, default=40)
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="default: the bot's own"
    )
    args = parser.parse_args()
    pool = asyncio.run(bench_pool(args.runs, args.workers))
    naive = asyncio.run(bench_baseline(args.baseline_runs, args.workers))
    python = sys.version.split()[0]
    print(f"machine: {os.cpu_count()} cores, workers={args.workers}, python {python}")
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'runs/s':>10}")
    print(f"{'sandbox pool':24}{pool['p50']:10.2f}{pool['p99']:10.2f}{pool['throughput']:10.1f}")
    print(f"{'naive fresh process':24}{naive['p50']:10.2f}{naive['p99']:10.2f}"
          f"{naive['throughput']:10.1f}")  # fmt: skip
    print(f"ratio (naive / pool): p50 {naive['p50'] / pool['p50']:.1f}x, "
          f"throughput {pool['throughput'] / naive['throughput']:.1f}x")  # fmt: skip
    print(f"event loop lag while saturated: p99 {pool['p99_lag']:.2f} ms, "
          f"max {pool['max_lag']:.2f} ms")  # fmt: skip
    print("targets: p50 < 5 ms, >= 300 runs/s, >= 10x the naive baseline")


if __name__ == "__main__":
    main()
