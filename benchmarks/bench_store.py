"""Leaderboard and recording speed on 100,000 learners in one community.

Run: .venv/bin/python benchmarks/bench_store.py [--learners N] [--db PATH]

Beside the indexed queries it times the naive baseline: the same ranking computed by
aggregating every learner's lesson rows, which is what the query would be without the
summary columns and index of migration 0002.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.store import NewAttempt, SqliteStore, leaderboard

SCOPE = "guild:1"
LESSONS = [f"lesson-{n}" for n in range(1, 7)]

NAIVE_PAGE = """
SELECT l.user_id, COUNT(p.completed_at) AS done, MAX(p.completed_at) AS last,
       SUM(p.attempts_to_complete) AS tries
FROM learners AS l JOIN lesson_progress AS p ON p.learner_id = l.id
WHERE l.scope = ? AND p.completed_at IS NOT NULL
GROUP BY l.id
ORDER BY done DESC, last, tries, l.id
LIMIT 10 OFFSET ?
"""


async def seed(store: SqliteStore, learners: int, rng: random.Random) -> None:
    """Bulk-load learners with summaries consistent with their lesson rows."""
    learner_rows: list[tuple[Any, ...]] = []
    progress_rows: list[tuple[Any, ...]] = []
    for i in range(1, learners + 1):
        done = rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 6])
        t = 1_700_000_000.0
        total = 0
        for lesson in LESSONS[:done]:
            t += rng.uniform(60, 86_400)
            tries = rng.randint(1, 6)
            total += tries
            progress_rows.append((i, lesson, t, tries, tries - 1, tries))
        if done < len(LESSONS):
            progress_rows.append((i, LESSONS[done], None, rng.randint(0, 3), 0, None))
        learner_rows.append(
            (i, SCOPE, f"user{i}", f"User {i}", 0.0, done, t if done else None, total)
        )
    async with store.conn.transaction() as db:
        await db.executemany(
            "INSERT INTO learners (id, scope, user_id, display_name, created_at, completed_count,"
            " last_completed_at, attempts_to_complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            learner_rows,
        )
        await db.executemany(
            "INSERT INTO lesson_progress (learner_id, lesson_id, completed_at, attempts, failures,"
            " attempts_to_complete) VALUES (?, ?, ?, ?, ?, ?)",
            progress_rows,
        )
    await store.conn.fetchone("ANALYZE")


async def timed(label: str, repeat: int, make: Callable[[int], Awaitable[Any]]) -> None:
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        await make(i)
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"  {label:<42} median {statistics.median(samples):8.3f} ms"
        f"   max {max(samples):8.3f} ms   (n={repeat})"
    )


async def bench(path: Path, learners: int) -> None:
    rng = random.Random(4)
    async with SqliteStore(path) as store:
        start = time.perf_counter()
        await seed(store, learners, rng)
        print(f"seeded {learners:,} learners in {time.perf_counter() - start:.1f} s ({path})")
        total = (await store.leaderboard(SCOPE, 0, 1)).total
        last_offset = max(0, total - 10)
        print(f"{total:,} learners on the board\n")

        plan = await store.conn.fetchall(
            "EXPLAIN QUERY PLAN SELECT user_id FROM learners WHERE scope = ? AND"
            " completed_count > 0 ORDER BY completed_count DESC, last_completed_at,"
            " attempts_to_complete, id LIMIT 10",
            (SCOPE,),
        )
        print("page query plan:", "; ".join(str(row[-1]) for row in plan), "\n")

        print("indexed (summary columns + learners_leaderboard):")
        await timed("leaderboard page 1", 50, lambda _: store.leaderboard(SCOPE, 0, 10))
        await timed(
            "leaderboard page in the middle",
            50,
            lambda _: store.leaderboard(SCOPE, total // 2, 10),
        )
        await timed(
            "leaderboard last page", 50, lambda _: store.leaderboard(SCOPE, last_offset, 10)
        )
        # Where the time goes: the rows are a short index walk; counting the board is most.
        await timed(
            "page 1 rows alone (without the count)",
            50,
            lambda _: store.conn.fetchall(leaderboard._PAGE, (SCOPE, 10, 0)),
        )
        await timed(
            "counting the board (every page does it)",
            50,
            lambda _: store.conn.fetchone(leaderboard._TOTAL, (SCOPE,)),
        )
        users = [f"user{rng.randint(1, learners)}" for _ in range(200)]
        await timed("rank_of a random learner", 200, lambda i: store.rank_of(SCOPE, users[i]))

        print("\nnaive baseline (aggregate over lesson_progress):")
        await timed("leaderboard page 1", 5, lambda _: store.conn.fetchall(NAIVE_PAGE, (SCOPE, 0)))
        await timed(
            "leaderboard last page",
            5,
            lambda _: store.conn.fetchall(NAIVE_PAGE, (SCOPE, last_offset)),
        )

        print("\nrecording (one transaction each: attempt + progress + completion + unlock):")
        recorders = [f"user{i}" for i in range(1, 1001)]
        start = time.perf_counter()
        await asyncio.gather(
            *(
                store.record_attempt(
                    SCOPE,
                    user,
                    NewAttempt("lesson-1", "passed", True, False, "x = 1\n"),
                    "lesson-2",
                )
                for user in recorders
            )
        )
        elapsed = time.perf_counter() - start
        print(
            f"  1,000 concurrent passing submissions      {elapsed * 1000:8.1f} ms total"
            f"   {1000 / elapsed:8.0f} / s (synchronous=FULL)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    args = parser.parse_args()
    if args.db:
        asyncio.run(bench(args.db, args.learners))
        return
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bench(Path(tmp) / "bench.sqlite3", args.learners))


if __name__ == "__main__":
    main()
