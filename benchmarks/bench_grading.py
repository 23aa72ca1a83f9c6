"""Grading speed, each figure beside its baseline, in one run.

    python benchmarks/bench_grading.py [--grades 100] [--messages 30] [--rounds 3]
                                       [--cli-runs 10] [--cli-before PATH] [--only PART ...]

Parts (all by default):
- `grading`: grades/s marginal (a warm pool, N submissions at once), sandbox runs per
  verdict, p50/p99 of one grade, and CPU time per grade (this process, the zygote and its
  children: load-insensitive). Beside: the previous design, the reference solution run in
  the sandbox too (two runs per grade), and the naive baseline, a fresh interpreter per
  run, two per grade.
- `discord`: message-to-verdict latency through the Discord emulator (tests/
  discord_emulator), from the MESSAGE_CREATE the emulator dispatches to the verdict it
  receives, with one learner and with 20 learners at once; the same with the reference in
  the sandbox; and what dominates (the grade itself vs the Discord path around it).
- `cli`: start-up of `python -m bot sandbox FILE`, hyperfine-style (repeated, wall and CPU,
  mean/min/p50), beside `python -c pass` and, with --cli-before, another checkout's CLI;
  and the largest imports from `python -X importtime`.

The machine may be shared: the load average is printed with the numbers; compare CPU
times when it is high.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lessons.grading  # noqa: E402
from lessons import grade_submission, load_course  # noqa: E402
from sandbox import Limits, RunResult, Sandbox  # noqa: E402
from sandbox.trusted_run import run_trusted_in_process  # noqa: E402
from sandbox.workers import default_workers  # noqa: E402

COURSE = load_course()
LESSON = COURSE.get("how-models-learn")  # the issue's measurement: lesson 4's reference


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def cpu_s() -> float:
    """CPU seconds of this process and of every child it has reaped (the zygote, once a
    Sandbox closes, with every run's child the zygote reaped)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


# -- the previous design, kept here as the baseline: the reference in the sandbox too ----


class CountingRunner:
    """The sandbox, counting the runs it is asked for."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.runs = 0

    async def run(self, code: str, **kwargs: Any) -> RunResult:
        self.runs += 1
        return await self.sandbox.run(code, **kwargs)


class ReferenceInSandbox:
    """While active, the reference solution runs in the sandbox as before (from the trusted
    worker thread, through the event loop): two sandbox runs per grade."""

    def __init__(self, runner: CountingRunner | Sandbox, loop: asyncio.AbstractEventLoop) -> None:
        self.runner, self.loop = runner, loop

    def __call__(self, code: str, **kwargs: Any) -> RunResult:
        future = asyncio.run_coroutine_threadsafe(self.runner.run(code, **kwargs), self.loop)
        return future.result()

    def __enter__(self) -> ReferenceInSandbox:
        lessons.grading.run_trusted_in_process = self
        lessons.grading._REFERENCE_CACHE.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        lessons.grading.run_trusted_in_process = run_trusted_in_process
        lessons.grading._REFERENCE_CACHE.clear()


# -- grading through the core's grader ------------------------------------------------------


async def grading_session(
    grades: int, workers: int, *, reference_in_sandbox: bool
) -> dict[str, float]:
    """One Sandbox from start to close: sequential grades for latency, then `grades` at
    once for throughput; CPU measured over the whole session (start-up subtracted later)."""
    code = LESSON.solution + "\n# a learner's copy\n"
    before = cpu_s()
    async with Sandbox(workers=workers, limits=Limits()) as sandbox:
        runner = CountingRunner(sandbox)
        switch = ReferenceInSandbox(runner, asyncio.get_running_loop())
        with switch if reference_in_sandbox else _nothing():
            for _ in range(10):  # warm: imports, caches, pre-forked children
                await grade_submission(LESSON, code, runner)
            runner.runs = 0
            latencies = []
            for _ in range(grades):
                began = time.perf_counter()
                verdict = await grade_submission(LESSON, code, runner)
                latencies.append((time.perf_counter() - began) * 1000)
                assert verdict.passed, verdict.message
            began = time.perf_counter()
            verdicts = await asyncio.gather(
                *(grade_submission(LESSON, code, runner) for _ in range(grades))
            )
            wall = time.perf_counter() - began
            assert all(v.passed for v in verdicts)
            runs = runner.runs
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "grades_per_s": grades / wall,
        "runs_per_verdict": runs / (2 * grades),
        "session_cpu_s": cpu_s() - before,
        "grades_total": 10 + 2 * grades,
    }


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


async def empty_session_cpu(workers: int) -> float:
    before = cpu_s()
    async with Sandbox(workers=workers, limits=Limits()):
        pass
    return cpu_s() - before


def naive_grades(grades: int, workers: int) -> dict[str, float]:
    """A fresh interpreter per run, two runs per grade (bench_sandbox's naive baseline)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_sandbox

    def one() -> float:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", bench_sandbox.BASELINE],
            input=bench_sandbox.SOLUTION.encode(),
            capture_output=True,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
            check=True,
        )
        assert done.stdout
        return (time.perf_counter() - began) * 1000

    before = cpu_s()
    latencies = [one() + one() for _ in range(grades)]  # learner, then reference
    cpu_per_grade = (cpu_s() - before) / grades
    began = time.perf_counter()
    with _pool(workers) as pool:
        list(pool.map(lambda _: one(), range(2 * grades)))
    wall = time.perf_counter() - began
    return {
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "grades_per_s": grades / wall,
        "runs_per_verdict": 2.0,
        "cpu_per_grade_ms": cpu_per_grade * 1000,
    }


def _pool(workers: int) -> Any:
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(workers)


def report_grading(args: argparse.Namespace) -> None:
    print(f"== grading '{LESSON.id}' reference copies ({load()})")
    empty = asyncio.run(empty_session_cpu(args.workers))
    rows = {}
    for name, in_sandbox in (("now: reference in process", False), ("before: 2 runs", True)):
        found = asyncio.run(
            grading_session(args.grades, args.workers, reference_in_sandbox=in_sandbox)
        )
        found["cpu_per_grade_ms"] = (found["session_cpu_s"] - empty) / found["grades_total"] * 1000
        rows[name] = found
    rows["naive: fresh process/run"] = naive_grades(max(3, args.grades // 10), args.workers)
    print(
        f"{'':28}{'grades/s':>10}{'runs/verdict':>14}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/grade':>14}"
    )
    for name, row in rows.items():
        print(
            f"{name:28}{row['grades_per_s']:10.1f}{row['runs_per_verdict']:14.2f}"
            f"{row['p50']:9.2f}{row['p99']:9.2f}{row['cpu_per_grade_ms']:14.2f}"
        )
    now, before = rows["now: reference in process"], rows["before: 2 runs"]
    print(
        f"now vs before: grades/s x{now['grades_per_s'] / before['grades_per_s']:.2f}, "
        f"CPU per grade x{before['cpu_per_grade_ms'] / now['cpu_per_grade_ms']:.2f} less"
    )


# -- message to verdict through the Discord emulator ---------------------------------------


async def discord_latencies(
    messages: int, rounds: int, crowd: int, *, reference_in_sandbox: bool
) -> dict[str, list[float]]:
    from tests.discord_emulator.harness import bot_on_emulator, fenced, passed

    lesson = COURSE.lessons[0]  # every new learner starts on lesson 1
    found: dict[str, list[float]] = {"one": [], "crowd": [], "grade": []}
    with tempfile.TemporaryDirectory() as folder:
        async with bot_on_emulator(Path(folder)) as running:
            sandbox = running.bot.core.sandbox
            assert isinstance(sandbox, Sandbox)
            switch = ReferenceInSandbox(sandbox, asyncio.get_running_loop())
            with switch if reference_in_sandbox else _nothing():
                discord = running.discord

                async def one(member: Any, code: str) -> float:
                    began = time.perf_counter()
                    message = await discord.send_message(member, fenced(code))
                    reply = await discord.wait_for_reply(message, timeout=120)
                    elapsed = (time.perf_counter() - began) * 1000
                    assert passed(reply), reply["embeds"][0]
                    return elapsed

                ada = discord.add_member("ada")
                for i in range(3 + messages):  # the first three warm the bot up
                    took = await one(ada, lesson.solution + f"\n# try {i}\n")
                    if i >= 3:
                        found["one"].append(took)
                    began = time.perf_counter()  # the grade alone, for "what dominates"
                    await grade_submission(lesson, lesson.solution + f"\n# again {i}\n", sandbox)
                    if i >= 3:
                        found["grade"].append((time.perf_counter() - began) * 1000)
                for r in range(rounds):
                    members = [discord.add_member(f"learner{r}-{i}") for i in range(crowd)]
                    found["crowd"] += await asyncio.gather(
                        *(one(m, lesson.solution + f"\n# {m['id']}\n") for m in members)
                    )
    return found


def report_discord(args: argparse.Namespace) -> None:
    print(f"== message to verdict through the Discord emulator ({load()})")
    print(f"{'':34}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, in_sandbox in (("now", False), ("before: reference in sandbox", True)):
        found = asyncio.run(
            discord_latencies(
                args.messages, args.rounds, args.crowd, reference_in_sandbox=in_sandbox
            )
        )
        for label, key in (("1 learner", "one"), (f"{args.crowd} at once", "crowd")):
            values = found[key]
            print(
                f"{name + ', ' + label:34}{percentile(values, 50):9.1f}"
                f"{percentile(values, 99):9.1f}{max(values):9.1f}"
            )
        grade, one = statistics.median(found["grade"]), statistics.median(found["one"])
        queued = args.crowd * grade / args.workers
        print(
            f"  {name}: of the 1-learner p50 {one:.1f} ms, the grade itself (sandbox run, "
            f"reference, judging; measured alone) is {grade:.1f} ms, the Discord path around "
            f"it (gateway event, extraction, store, rendering, REST POST) {one - grade:.1f} ms; "
            f"{args.crowd} at once queue for {args.workers} sandbox workers: "
            f"{args.crowd} x {grade:.1f} ms / {args.workers} = {queued:.0f} ms for the last one"
        )


# -- CLI start-up -------------------------------------------------------------------------


def timed(command: list[str], runs: int, env: Mapping[str, str] | None = None) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env, cwd=ROOT)
        walls.append((time.perf_counter() - began) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
    return {
        "mean": statistics.fmean(walls),
        "min": min(walls),
        "p50": statistics.median(walls),
        "cpu": statistics.median(cpus),
    }


def report_cli(args: argparse.Namespace) -> None:
    print(f"== CLI start-up, {args.cli_runs} runs each ({load()})")
    with tempfile.TemporaryDirectory() as folder:
        code = Path(folder) / "solution.py"
        code.write_text("import numpy as np\nprint(float(np.mean(np.arange(4.0))))\n")
        env_file = str(Path(folder) / "none.env")
        sandbox_cmd = ["-m", "bot", "--env-file", env_file, "sandbox", str(code)]
        rows: list[tuple[str, dict[str, float]]] = [
            ("python -c pass", timed([sys.executable, "-c", "pass"], args.cli_runs)),
            ("python -m bot sandbox FILE", timed([sys.executable, *sandbox_cmd], args.cli_runs)),
            ("python -m bot sandbox --help", timed(
                [sys.executable, "-m", "bot", "--env-file", env_file, "sandbox", "--help"],
                args.cli_runs,
            )),
        ]  # fmt: skip
        if args.cli_before:
            env = {**os.environ, "PYTHONPATH": args.cli_before}
            before = [sys.executable, "-c", "import runpy, sys; sys.path.insert(0, sys.argv[1]); "
                      "sys.argv[1:2] = []; runpy.run_module('bot', run_name='__main__')",
                      args.cli_before, *sandbox_cmd[2:]]  # fmt: skip
            rows.append(("before: sandbox FILE", timed(before, args.cli_runs, env)))
        print(f"{'':32}{'mean ms':>9}{'min ms':>9}{'p50 ms':>9}{'CPU ms':>9}")
        for name, row in rows:
            print(f"{name:32}{row['mean']:9.1f}{row['min']:9.1f}{row['p50']:9.1f}{row['cpu']:9.1f}")
        trace = subprocess.run(
            [sys.executable, "-X", "importtime", *sandbox_cmd],
            capture_output=True, text=True, cwd=ROOT, check=True,
        ).stderr  # fmt: skip
    print("  largest imports of `python -m bot sandbox FILE` (cumulative, from -X importtime):")
    for ms, name in top_imports(trace, 8):
        print(f"    {ms:7.1f} ms  {name}")


def top_imports(trace: str, count: int) -> list[tuple[float, str]]:
    found = []
    for line in trace.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            if depth <= 2:
                found.append((int(parts[1]) / 1000, name.strip()))
    return sorted(found, reverse=True)[:count]


PARTS: dict[str, Callable[[argparse.Namespace], None]] = {
    "grading": report_grading,
    "discord": report_discord,
    "cli": report_cli,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grades", type=int, default=100, help="sequential (and at once)")
    parser.add_argument("--messages", type=int, default=30, help="1-learner messages")
    parser.add_argument("--crowd", type=int, default=20, help="learners submitting at once")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the crowd")
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--cli-before", metavar="PATH", help="another checkout to time")
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="default: the bot's own"
    )
    parser.add_argument("--only", nargs="+", choices=sorted(PARTS), default=list(PARTS))
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.workers} sandbox workers")
    for name in args.only:
        PARTS[name](args)


if __name__ == "__main__":
    main()
