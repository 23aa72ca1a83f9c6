"""Event-loop lag while the tutor core grades many submissions at once.

    python benchmarks/bench_loop_lag.py [--submissions 50] [--workers N] [--rounds 3]

Fifty learners each submit at the same moment, spread over every lesson, half of them the
reference solution and half a typical wrong answer, through the real tutor core (store,
sandbox pool, grading with its data, probes, reference run and judging). Meanwhile the bot's
loop watchdog stamps a heartbeat every 10 ms; the report gives how late those heartbeats
were (p50, p99, max) and how many stalls crossed the watchdog's 250 ms bar. The loop must
stay responsive: everything slow runs in the sandbox or in a thread.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core import Learner, TutorCore
from bot.loop_watchdog import LoopWatchdog
from bot.store import SqliteStore
from lessons import load_course
from sandbox import Limits, Sandbox
from sandbox.workers import default_workers


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def one_round(core: TutorCore, submissions: int, round_no: int) -> tuple[float, Counter[str]]:
    course = core.course
    learners = [Learner("guild:bench", f"r{round_no}-{i}", f"L{i}") for i in range(submissions)]
    jobs = []
    for i, learner in enumerate(learners):
        lesson = course.lessons[i % len(course)]
        await core.moderation.unlock(learner, lesson.id, actor="bench")
        code = lesson.solution if i % 2 == 0 else lesson.fixtures[i % len(lesson.fixtures)].code
        jobs.append(core.submit(learner, code, lesson.id))
    started = time.perf_counter()
    outcomes = await asyncio.gather(*jobs)
    return time.perf_counter() - started, Counter(o.verdict.status for o in outcomes)


async def bench(submissions: int, workers: int, rounds: int) -> None:
    limits = Limits(timeout_s=2.0, memory_mb=256)
    with tempfile.TemporaryDirectory() as folder:
        async with (
            SqliteStore(Path(folder) / "bench.sqlite3") as store,
            Sandbox(workers=workers, limits=limits) as sandbox,
        ):
            core = TutorCore(store, sandbox, load_course())
            await one_round(core, 7, -1)  # warm-up: imports, caches, first forks
            for round_no in range(rounds):
                async with LoopWatchdog(tick_s=0.01) as watchdog:
                    wall, statuses = await one_round(core, submissions, round_no)
                lags = [lag * 1000 for lag in watchdog.lags]
                print(
                    f"round {round_no + 1}: {submissions} submissions graded in {wall:.2f} s "
                    f"({submissions / wall:.1f}/s), verdicts {dict(statuses)}"
                )
                print(
                    f"  loop lag over {len(lags)} heartbeats: "
                    f"p50 {statistics.median(lags):.2f} ms, "
                    f"p99 {percentile(lags, 99):.2f} ms, max {max(lags):.2f} ms, "
                    f"stalls over 250 ms: {watchdog.stalls}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="default: the bot's own"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.submissions} concurrent submissions, {args.workers} sandbox workers")
    asyncio.run(bench(args.submissions, args.workers, args.rounds))


if __name__ == "__main__":
    main()
