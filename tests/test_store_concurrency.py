"""Many submissions at once lose nothing and never double-unlock; a crash mid-write leaves
the database as if the attempt never happened."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.store import NewAttempt, SqliteStore
from bot.store import attempts as recording


def passing(lesson: str = "a") -> NewAttempt:
    return NewAttempt(lesson, "passed", True, False, "w = w - lr * grad\n")


def failing(lesson: str = "a") -> NewAttempt:
    return NewAttempt(lesson, "failed", False, True, "w = w + lr * grad\n")


async def count(store: SqliteStore, sql: str) -> int:
    return int((await store.conn.fetchone(sql))[0])


async def test_fifty_learners_at_once_lose_no_write(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "t.db") as store:
        users = [f"u{i}" for i in range(50)]
        for user in users:
            await store.ensure_learner("guild:1", user, user)
        results = await asyncio.gather(
            *(
                store.record_attempt("guild:1", u, passing() if i % 2 else failing(), unlock="b")
                for i, u in enumerate(users)
            )
        )
        assert len({r.attempt_id for r in results}) == 50
        assert await count(store, "SELECT COUNT(*) FROM attempts") == 50
        assert await count(store, "SELECT COUNT(*) FROM lesson_progress WHERE lesson_id='a'") == 50
        assert await count(store, "SELECT COUNT(*) FROM lesson_progress WHERE lesson_id='b'") == 25
        assert (await store.leaderboard("guild:1", 0, 100)).total == 25


async def test_fifty_passes_by_one_learner_complete_and_unlock_once(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "t.db") as store:
        await store.ensure_learner("guild:1", "ada", "Ada")
        results = await asyncio.gather(
            *(store.record_attempt("guild:1", "ada", passing(), unlock="b") for _ in range(50))
        )
        assert sum(r.newly_completed for r in results) == 1
        assert sum(r.newly_unlocked for r in results) == 1
        progress = await store.progress("guild:1", "ada")
        assert progress["a"].attempts == 50
        learner = await store.get_learner("guild:1", "ada")
        assert learner is not None and learner.completed_count == 1
        assert await count(store, "SELECT COUNT(*) FROM attempts") == 50


async def test_two_processes_on_one_file_lose_nothing(tmp_path: Path) -> None:
    # Two stores = two connections, as when the bot and the terminal share a file.
    path = tmp_path / "t.db"
    async with SqliteStore(path) as first, SqliteStore(path) as second:
        await first.ensure_learner("local", "ada", "Ada")
        await asyncio.gather(
            *(
                (first if i % 2 else second).record_attempt("local", "ada", failing())
                for i in range(40)
            )
        )
        assert (await second.progress("local", "ada"))["a"].failures == 40
        assert await count(first, "SELECT COUNT(*) FROM attempts") == 40


async def test_an_error_mid_record_rolls_everything_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def disk_on_fire(*args: object) -> bool:
        raise RuntimeError("disk on fire")

    async with SqliteStore(tmp_path / "t.db") as store:
        await store.ensure_learner("local", "ada", "Ada")
        with monkeypatch.context() as patch:
            patch.setattr(recording, "unlock", disk_on_fire)  # the last step of the record
            with pytest.raises(RuntimeError):
                await store.record_attempt("local", "ada", passing(), unlock="b")
        assert await store.attempts("local", "ada") == []
        assert await store.progress("local", "ada") == {}
        # The connection is still usable afterwards.
        await store.record_attempt("local", "ada", failing())
        assert len(await store.attempts("local", "ada")) == 1


KILLED_MID_RECORD = """
import asyncio, os, sys
from bot.store import NewAttempt, SqliteStore
from bot.store import attempts

async def die(*args):
    # The attempt row is written but not committed: die like a SIGKILL would.
    os._exit(9)

attempts.complete = die

async def main(path):
    async with SqliteStore(path) as store:
        await store.ensure_learner("local", "ada", "Ada")
        await store.record_attempt(
            "local", "ada", NewAttempt("a", "passed", True, False, "x = 1"), unlock="b"
        )

asyncio.run(main(sys.argv[1]))
"""


async def test_a_kill_mid_record_leaves_no_half_attempt(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_MID_RECORD), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 9, child.stderr
    async with SqliteStore(path) as store:
        assert (await store.conn.fetchone("PRAGMA integrity_check"))[0] == "ok"
        assert await store.get_learner("local", "ada") is not None
        assert await store.attempts("local", "ada") == []
        assert await store.progress("local", "ada") == {}
        await store.record_attempt("local", "ada", passing(), unlock="b")
        assert set(await store.progress("local", "ada")) == {"a", "b"}
