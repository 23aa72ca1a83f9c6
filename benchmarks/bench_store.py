"""Leaderboard and recording speed on both backends, on one community of N learners.

Run: .venv/bin/python benchmarks/bench_store.py [--learners N] [--backend sqlite|postgres|both]
     [--database-url postgresql://...] [--processes 4]

PostgreSQL: without --database-url a throwaway local cluster is started (as the tests do,
from /usr/lib/postgresql/*/bin), with fsync and synchronous commits on like a real server.
The database is emptied and seeded, so never point --database-url at real data.

Times the leaderboard's first, middle and last page (with EXPLAIN ANALYZE on PostgreSQL),
rank_of, the naive baseline (ranking by aggregating every learner's lesson rows, what the
query would be without the summary columns and index), and recording: passing submissions
(attempt + progress + completion + unlock, one transaction each) from several processes
at once.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.store import PostgresStore, SqliteStore, Store
from bot.store.leaderboard import _PAGE, _TOTAL

SCOPE = "guild:1"
LESSONS = [f"lesson-{n}" for n in range(1, 7)]
REPO = Path(__file__).resolve().parents[1]

NAIVE_PAGE = """
SELECT l.user_id, COUNT(p.completed_at) AS done, MAX(p.completed_at) AS last,
       SUM(p.attempts_to_complete) AS tries
FROM learners AS l JOIN lesson_progress AS p ON p.learner_id = l.id
WHERE l.scope = ? AND p.completed_at IS NOT NULL
GROUP BY l.id
ORDER BY done DESC, last, tries, l.id
LIMIT 10 OFFSET ?
"""

LEARNER_COLUMNS = (
    "id", "scope", "user_id", "display_name", "created_at", "completed_count",
    "last_completed_at", "attempts_to_complete",
)  # fmt: skip
PROGRESS_COLUMNS = (
    "learner_id", "lesson_id", "completed_at", "attempts", "failures", "attempts_to_complete",
)  # fmt: skip


def generated(learners: int, rng: random.Random) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Learners with summaries consistent with their lesson rows, as ("learners", row) and
    ("lesson_progress", row) pairs."""
    for i in range(1, learners + 1):
        done = rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 6])
        t = 1_700_000_000.0
        total = 0
        lessons: list[tuple[int, str, float | None, int, int, int | None]] = []
        for lesson in LESSONS[:done]:
            t += rng.uniform(60, 86_400)
            tries = rng.randint(1, 6)
            total += tries
            lessons.append((i, lesson, t, tries, tries - 1, tries))
        if done < len(LESSONS):
            lessons.append((i, LESSONS[done], None, rng.randint(0, 3), 0, None))
        yield "learners", (i, SCOPE, f"user{i}", f"User {i}", 0.0, done, t if done else None, total)
        for row in lessons:
            yield "lesson_progress", row


def chunks(learners: int, rng: random.Random, size: int = 50_000) -> Iterator[dict[str, list[Any]]]:
    batch: dict[str, list[Any]] = {"learners": [], "lesson_progress": []}
    for table, row in generated(learners, rng):
        batch[table].append(row)
        if len(batch["lesson_progress"]) >= size:
            yield batch
            batch = {"learners": [], "lesson_progress": []}
    yield batch


async def seed(store: Store, learners: int, rng: random.Random) -> None:
    if isinstance(store, SqliteStore):
        db = store.conn.db
        await db.execute("BEGIN")
        for batch in chunks(learners, rng):
            for table, columns in (
                ("learners", LEARNER_COLUMNS),
                ("lesson_progress", PROGRESS_COLUMNS),
            ):
                marks = ", ".join("?" * len(columns))
                await db.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch[table]
                )
        await db.commit()
        await db.execute("ANALYZE")
        return
    assert isinstance(store, PostgresStore)
    async with store.conn.pool.acquire() as con:
        await con.execute("TRUNCATE learners, board_counts RESTART IDENTITY CASCADE")
        for batch in chunks(learners, rng):
            for table, columns in (
                ("learners", LEARNER_COLUMNS),
                ("lesson_progress", PROGRESS_COLUMNS),
            ):
                await con.copy_records_to_table(table, records=batch[table], columns=list(columns))
        await con.execute(
            "SELECT setval(pg_get_serial_sequence('learners', 'id'), MAX(id) + 1, false)"
            " FROM learners"
        )
        await con.execute("VACUUM ANALYZE learners")
        await con.execute("VACUUM ANALYZE lesson_progress")


async def timed(label: str, repeat: int, make: Callable[[int], Awaitable[Any]]) -> float:
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        await make(i)
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    print(f"  {label:<42} median {median:8.3f} ms   max {max(samples):8.3f} ms   (n={repeat})")
    return median


async def explain(store: Store, label: str, sql: str, params: tuple[Any, ...]) -> None:
    if isinstance(store, PostgresStore):
        from bot.store.pg_connection import numbered

        rows = await store.conn.pool.fetch("EXPLAIN (ANALYZE, COSTS OFF) " + numbered(sql), *params)
        print(f"  EXPLAIN ANALYZE {label}:")
        for row in rows:
            print("    " + row[0])
    else:
        plan = await store.conn.fetchall("EXPLAIN QUERY PLAN " + sql, params)
        print(f"  query plan {label}: " + "; ".join(str(row[-1]) for row in plan))


async def stream_scope(store: Store) -> None:
    """What the CSV export and the funnel read: every learner of the scope, in batches.
    Memory is the growth of the process's peak RSS over its RSS before (Linux)."""
    before = _peak_rss_reset()
    start = time.perf_counter()
    learners = 0
    async for batch in store.scope_progress_batches(SCOPE):
        learners += len(batch)
    elapsed = time.perf_counter() - start
    grown = f"{max(0, _status_kib('VmHWM') - before) / 1024:.1f} MiB" if before else "n/a"
    print(
        f"  streaming the scope (export, funnel)       {elapsed:8.1f} s for {learners:,} learners,"
        f" peak memory +{grown}"
    )


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _peak_rss_reset() -> int:
    """Reset the peak-RSS mark to the current RSS; return that RSS in KiB (0: unsupported)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kib("VmRSS")
    except OSError:
        return 0


# One recording process: passing submissions for its own learners, `concurrency` at a time,
# after "go" on stdin; prints how long they took.
RECORDER = """
import asyncio, sys, time
from bot.store import NewAttempt, PostgresStore, SqliteStore

KIND, LOCATION, FIRST, COUNT, CONCURRENCY = sys.argv[1:6]

async def main():
    store = PostgresStore(LOCATION) if KIND == "postgres" else SqliteStore(LOCATION)
    async with store:
        users = [f"user{i}" for i in range(int(FIRST), int(FIRST) + int(COUNT))]
        gate = asyncio.Semaphore(int(CONCURRENCY))
        attempt = NewAttempt("bench-lesson", "passed", True, False, "w = w - lr * grad\\n")

        async def one(user):
            async with gate:
                await store.record_attempt("guild:1", user, attempt, "bench-lesson-2")

        print("ready", flush=True)
        sys.stdin.readline()
        start = time.perf_counter()
        await asyncio.gather(*(one(u) for u in users))
        print(time.perf_counter() - start, flush=True)

asyncio.run(main())
"""


async def record_from_processes(kind: str, location: str, processes: int, each: int) -> None:
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            textwrap.dedent(RECORDER),
            kind,
            location,
            str(1 + n * each),
            str(each),
            "16",
            cwd=REPO,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for n in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        assert (await child.stdout.readline()) == b"ready\n"
    start = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    for child in children:
        await child.wait()
    elapsed = time.perf_counter() - start
    total = processes * each
    print(
        f"  {total:,} passing submissions from {processes} processes"
        f"   {elapsed * 1000:8.1f} ms total   {total / elapsed:8.0f} / s"
    )


async def bench(kind: str, location: str, learners: int, processes: int) -> None:
    rng = random.Random(4)
    store: Store = PostgresStore(location) if kind == "postgres" else SqliteStore(location)
    async with store:
        start = time.perf_counter()
        await seed(store, learners, rng)
        print(f"\n== {kind}: seeded {learners:,} learners in {time.perf_counter() - start:.1f} s")
        total = (await store.leaderboard(SCOPE, 0, 1)).total
        last_offset = max(0, total - 10)
        print(f"{total:,} learners on the board\n")
        await explain(store, "page 1 rows", _PAGE, (SCOPE, 10, 0))
        await explain(store, "counting the board", _TOTAL, (SCOPE,))
        print("\nindexed (summary columns + learners_leaderboard):")
        await timed("leaderboard page 1", 50, lambda _: store.leaderboard(SCOPE, 0, 10))
        await timed(
            "leaderboard page in the middle", 20, lambda _: store.leaderboard(SCOPE, total // 2, 10)
        )
        await timed(
            "leaderboard last page", 50, lambda _: store.leaderboard(SCOPE, last_offset, 10)
        )
        await timed(
            "page 1 rows alone (without the count)",
            50,
            lambda _: store.conn.fetchall(_PAGE, (SCOPE, 10, 0)),
        )
        await timed(
            "counting the board (every page does it)",
            50,
            lambda _: store.conn.fetchone(_TOTAL, (SCOPE,)),
        )
        users = [f"user{rng.randint(1, learners)}" for _ in range(200)]
        await timed("rank_of a random learner", 200, lambda i: store.rank_of(SCOPE, users[i]))
        await stream_scope(store)
        print("\nnaive baseline (aggregate over lesson_progress):")
        await timed("leaderboard page 1", 3, lambda _: store.conn.fetchall(NAIVE_PAGE, (SCOPE, 0)))
    print("\nrecording (attempt + progress + completion + unlock, one transaction each):")
    await record_from_processes(kind, location, processes, min(2000, learners // processes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database to use")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            path = str(Path(tmp) / "bench.sqlite3")
            asyncio.run(bench("sqlite", path, args.learners, args.processes))
        if args.backend in ("postgres", "both"):
            if args.database_url:
                asyncio.run(bench("postgres", args.database_url, args.learners, args.processes))
                return
            from tests.postgres_server import start_cluster

            cluster = start_cluster(durable=True)
            try:
                cluster.admin("CREATE DATABASE bench")
                url = cluster.url.rpartition("/")[0] + "/bench"
                asyncio.run(bench("postgres", url, args.learners, args.processes))
            finally:
                cluster.stop()


if __name__ == "__main__":
    main()
