"""Two OS processes hammer the same learners on one database (each backend): no attempt
number is given twice, no unlock is lost or doubled, and the leaderboard's summaries agree
with the lessons they summarise."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests.store_backends import BACKENDS, Database, database_for

LEARNERS = 12
LESSONS = [f"l{i}" for i in range(5)]

# One process: for every learner at once, each lesson failed, then passed (unlocking the
# next). It waits for "go" on stdin so both processes start writing together.
HAMMER = """
import asyncio, json, sys
from bot.store import NewAttempt
from tests.store_backends import Database

KIND, LOCATION, LEARNERS, LESSONS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]

async def walk(store, user, out):
    for i, lesson in enumerate(LESSONS):
        for passed in (False, True):
            following = LESSONS[i + 1] if passed and i + 1 < len(LESSONS) else None
            attempt = NewAttempt(lesson, "passed" if passed else "failed", passed, not passed,
                                 f"# {user} {lesson}")
            result = await store.record_attempt("guild:1", user, attempt, unlock=following)
            out.append([user, lesson, result.attempt_id, result.newly_completed,
                        result.newly_unlocked])

async def main():
    async with Database(KIND, LOCATION).store() as store:
        users = [f"u{n}" for n in range(LEARNERS)]
        for user in users:
            await store.ensure_learner("guild:1", user, user)
        print("ready", flush=True)
        sys.stdin.readline()
        out = []
        await asyncio.gather(*(walk(store, user, out) for user in users))
        print(json.dumps(out), flush=True)

asyncio.run(main())
"""


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    return database_for(request, tmp_path)


async def hammer(database: Database) -> list[list[object]]:
    repo = Path(__file__).resolve().parent.parent
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            textwrap.dedent(HAMMER),
            database.kind,
            database.location,
            str(LEARNERS),
            *LESSONS,
            cwd=repo,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 60)
        assert line == b"ready\n", (line, await child.stderr.read() if child.stderr else b"")
    for child in children:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        await child.stdin.drain()
    results: list[list[object]] = []
    for child in children:
        out, err = await asyncio.wait_for(child.communicate(), 240)
        assert child.returncode == 0, err.decode()
        results += json.loads(out)
    return results


async def test_two_processes_on_the_same_learners_lose_and_double_nothing(
    database: Database,
) -> None:
    results = await hammer(database)
    per_process = LEARNERS * len(LESSONS) * 2
    assert len(results) == 2 * per_process
    ids = [row[2] for row in results]
    assert len(set(ids)) == len(ids), "an attempt number was given twice"
    completed = Counter((row[0], row[1]) for row in results if row[3])
    unlocked = Counter((row[0], row[1]) for row in results if row[4])
    users = [f"u{n}" for n in range(LEARNERS)]
    # Each lesson completes exactly once, and each unlock is reported exactly once.
    assert completed == Counter({(u, lesson): 1 for u in users for lesson in LESSONS})
    assert sum(unlocked.values()) == LEARNERS * (len(LESSONS) - 1)

    async with database.store() as store:
        board = await store.leaderboard("guild:1", 0, 100)
        assert board.total == LEARNERS
        for place, row in enumerate(board.rows, start=1):
            assert row.rank == place == await store.rank_of("guild:1", row.user_id)
        for user in users:
            progress = await store.progress("guild:1", user)
            assert set(progress) == set(LESSONS)
            for lesson in LESSONS:
                mine = progress[lesson]
                assert (mine.attempts, mine.failures) == (4, 2)
                assert mine.completed
                # No lost unlock: every lesson after the first was earned.
                assert (mine.unlocked_at is not None) == (lesson != LESSONS[0])
            learner = await store.get_learner("guild:1", user)
            assert learner is not None
            assert learner.completed_count == len(LESSONS)
            assert learner.attempts_to_complete == sum(
                p.attempts_to_complete or 0 for p in progress.values()
            )
            assert len(await store.attempts("guild:1", user, limit=100)) == 4 * len(LESSONS)
