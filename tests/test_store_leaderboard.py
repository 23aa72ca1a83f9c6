"""Leaderboard order: lessons completed, then who got there first, then fewer attempts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import NewAttempt, SqliteStore
from tests.store_backends import BACKENDS, backend_store


class Clock:
    """A clock the test moves by hand, so "who got there first" is decided by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(lesson: str, passed: bool) -> NewAttempt:
    return NewAttempt(
        lesson_id=lesson,
        status="passed" if passed else "failed",
        passed=passed,
        counts_as_failure=not passed,
        code="pass\n",
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[SqliteStore]:
    async with backend_store(request, tmp_path, clock) as opened:
        yield opened


async def complete(
    store: SqliteStore, clock: Clock, user: str, lessons: list[str], at: float, fails: int = 0
) -> None:
    clock.now = at
    await store.ensure_learner("guild:1", user, user.title())
    for lesson in lessons:
        for _ in range(fails):
            await store.record_attempt("guild:1", user, run(lesson, False))
        await store.record_attempt("guild:1", user, run(lesson, True))


async def test_ranked_by_lessons_then_time_then_attempts(store: SqliteStore, clock: Clock) -> None:
    await complete(store, clock, "late", ["a", "b"], at=300)
    await complete(store, clock, "early", ["a", "b"], at=200)
    await complete(store, clock, "one", ["a"], at=100)
    await complete(store, clock, "most", ["a", "b", "c"], at=900)
    # Same lessons at the same moment: fewer attempts wins.
    await complete(store, clock, "clumsy", ["a", "b"], at=250, fails=2)
    await complete(store, clock, "neat", ["a", "b"], at=250)
    await store.ensure_learner("guild:1", "idle", "Idle")  # nothing completed: not ranked

    board = await store.leaderboard("guild:1", 0, 10)
    assert [r.user_id for r in board.rows] == ["most", "early", "neat", "clumsy", "late", "one"]
    assert [r.rank for r in board.rows] == [1, 2, 3, 4, 5, 6]
    assert board.total == 6
    clumsy = board.rows[3]
    assert (clumsy.completed, clumsy.attempts, clumsy.display_name) == (2, 6, "Clumsy")


async def test_pages_and_ranks_agree(store: SqliteStore, clock: Clock) -> None:
    for i in range(23):
        await complete(store, clock, f"u{i:02d}", ["a"] * (1 + i % 3), at=float(i))
    pages = [await store.leaderboard("guild:1", offset, 10) for offset in (0, 10, 20)]
    assert [len(p.rows) for p in pages] == [10, 10, 3]
    rows = [r for p in pages for r in p.rows]
    assert [r.rank for r in rows] == list(range(1, 24))
    for row in rows:
        assert await store.rank_of("guild:1", row.user_id) == row.rank
    assert (await store.leaderboard("guild:1", 30, 10)).rows == []


async def test_scopes_have_their_own_boards(store: SqliteStore, clock: Clock) -> None:
    await complete(store, clock, "ada", ["a"], at=1)
    clock.now = 2
    await store.ensure_learner("dm", "bob", "Bob")
    await store.record_attempt("dm", "bob", run("a", True))
    assert [r.user_id for r in (await store.leaderboard("guild:1", 0, 10)).rows] == ["ada"]
    assert await store.rank_of("dm", "ada") is None
    assert await store.rank_of("dm", "bob") == 1


async def test_learners_with_nothing_completed_have_no_rank(
    store: SqliteStore, clock: Clock
) -> None:
    await store.ensure_learner("guild:1", "idle", "Idle")
    await store.record_attempt("guild:1", "idle", run("a", False))
    assert await store.rank_of("guild:1", "idle") is None
    assert await store.rank_of("guild:1", "ghost") is None
    assert (await store.leaderboard("guild:1", 0, 10)).total == 0


async def test_a_rank_counts_each_learner_ahead_once(store: SqliteStore, clock: Clock) -> None:
    # Ahead on lessons and on time both: still one learner ahead, not two.
    await complete(store, clock, "two", ["a", "b"], at=100)
    await complete(store, clock, "one", ["a"], at=200)
    await complete(store, clock, "late", ["a"], at=300)
    board = await store.leaderboard("guild:1", 0, 10)
    assert [(r.user_id, r.rank) for r in board.rows] == [("two", 1), ("one", 2), ("late", 3)]
    for row in board.rows:
        assert await store.rank_of("guild:1", row.user_id) == row.rank


async def test_the_board_count_follows_completions_and_resets(
    store: SqliteStore, clock: Clock
) -> None:
    async def total(scope: str = "guild:1") -> int:
        counted = await store.conn.fetchone(
            "SELECT COUNT(*) FROM learners WHERE scope = ? AND completed_count > 0", (scope,)
        )
        assert counted is not None
        board = await store.leaderboard(scope, 0, 50)
        assert board.total == counted[0]  # the kept count agrees with a real count
        for row in board.rows:  # and the ranks summed from it agree with the board's order
            assert await store.rank_of(scope, row.user_id) == row.rank
        return board.total

    for n in range(20):
        await complete(store, clock, f"u{n}", ["a", "b"][: n % 3], at=n + 1)
    assert await total() == 13  # n % 3 != 0
    await complete(store, clock, "u1", ["b"], at=30)  # a second lesson: still one learner
    assert await total() == 13
    await store.reset("guild:1", "u1", "a", actor="mod")  # one lesson of two: still on it
    assert await total() == 13
    await store.reset("guild:1", "u1", "b", actor="mod")  # the last lesson: off the board
    assert await total() == 12
    await store.reset("guild:1", "u2", None, actor="mod")  # the whole learner
    assert await total() == 11
    await store.reset("guild:1", "u3", None, actor="mod")  # never on the board
    assert await total() == 11
    await store.ensure_learner("dm", "u1", "U1")
    await store.record_attempt("dm", "u1", run("a", True))
    assert (await total(), await total("dm")) == (11, 1)
    # The last page, read from the far end of the index, ends where the count says.
    last = await store.leaderboard("guild:1", 10, 10)
    assert [row.rank for row in last.rows] == [11]
    whole = (await store.leaderboard("guild:1", 0, 20)).rows
    assert last.rows == whole[10:]
