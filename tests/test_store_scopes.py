"""A learner's records never cross scopes or learners.

Ada in guild 1 and Ada in guild 2 share a Discord user id but are two learners; Bob shares
guild 1 with her. Every read of the store is checked to return exactly its own learner's
(or scope's) records, and every write is checked to leave the other learners' records,
as every read shows them, untouched. Only the Store's public methods are used, so the
tests hold for any backend behind that contract.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.store import MAX_STORED_CODE_CHARS, NewAttempt, SqliteStore

G1, G2 = "guild:1", "guild:2"
ADA1, ADA2, BOB1 = (G1, "ada"), (G2, "ada"), (G1, "bob")
LEARNERS = (ADA1, ADA2, BOB1)


def tag(learner: tuple[str, str]) -> str:
    return f"{learner[1]}@{learner[0]}"


def attempt(learner: tuple[str, str], lesson: str, passed: bool, n: int = 1) -> NewAttempt:
    return NewAttempt(
        lesson_id=lesson,
        status="passed" if passed else "failed",
        passed=passed,
        counts_as_failure=not passed,
        code=f"# {tag(learner)} {lesson} {n}\n",
        checks=[{"name": f"check-{tag(learner)}", "passed": passed, "message": "m"}],
        metrics={"loss_after": float(n)},
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """Three learners with different histories; the clock ticks on every call, so every
    timestamp is distinct and a write that touched the wrong row shows in the reads."""
    ticks = itertools.count(1000)
    async with SqliteStore(tmp_path / "t.db", clock=lambda: float(next(ticks))) as opened:
        for learner in LEARNERS:
            await opened.ensure_learner(*learner, tag(learner))
        # Ada in guild 1: one failure, then passes lesson a (unlocking b); a hint on b.
        await opened.record_attempt(*ADA1, attempt(ADA1, "a", False))
        await opened.record_attempt(*ADA1, attempt(ADA1, "a", True, 2), unlock="b")
        await opened.reveal_hint(*ADA1, "b", 3)
        await opened.set_current_lesson(*ADA1, "b")
        # Ada in guild 2: passes a first time, then b after two failures; saw b's solution.
        await opened.record_attempt(*ADA2, attempt(ADA2, "a", True), unlock="b")
        await opened.record_attempt(*ADA2, attempt(ADA2, "b", False, 2))
        await opened.record_attempt(*ADA2, attempt(ADA2, "b", False, 3))
        await opened.record_solution_shown(*ADA2, "b")
        await opened.record_attempt(*ADA2, attempt(ADA2, "b", True, 4), unlock="c")
        await opened.set_current_lesson(*ADA2, "c")
        # Bob in guild 1: fails a twice; a moderator unlocked c for him.
        await opened.record_attempt(*BOB1, attempt(BOB1, "a", False))
        await opened.record_attempt(*BOB1, attempt(BOB1, "a", False, 2))
        await opened.unlock(*BOB1, "c", actor="mod:1")
        await opened.set_scope_setting(G1, "lesson_channels", [1], actor="mod:1")
        await opened.set_scope_setting(G2, "lesson_channels", [2])
        yield opened


# Reads: each returns its own learner's records.


async def test_learner_records_are_per_scope(store: SqliteStore) -> None:
    for learner in LEARNERS:
        record = await store.get_learner(*learner)
        assert record is not None
        assert (record.scope, record.user_id, record.display_name) == (*learner, tag(learner))
    assert await store.get_learner(G2, "bob") is None
    assert await store.get_learner("guild:3", "ada") is None
    summaries = {}
    for learner in LEARNERS:
        record = await store.get_learner(*learner)
        assert record is not None
        summaries[learner] = (
            record.current_lesson_id,
            record.completed_count,
            record.attempts_to_complete,
        )
    assert summaries == {ADA1: ("b", 1, 2), ADA2: ("c", 2, 4), BOB1: (None, 0, 0)}


async def test_attempts_are_per_learner_and_scope(store: SqliteStore) -> None:
    codes = {
        learner: [a.code.split()[2:] for a in await store.attempts(*learner)]
        for learner in LEARNERS
    }
    assert codes == {
        ADA1: [["a", "2"], ["a", "1"]],
        ADA2: [["b", "4"], ["b", "3"], ["b", "2"], ["a", "1"]],
        BOB1: [["a", "2"], ["a", "1"]],
    }
    for learner in LEARNERS:
        for record in await store.attempts(*learner):
            assert record.code.startswith(f"# {tag(learner)} ")
            assert record.checks[0]["name"] == f"check-{tag(learner)}"
    assert [a.code for a in await store.attempts(*ADA2, "a")] == ["# ada@guild:2 a 1\n"]
    assert [a.code for a in await store.attempts(*ADA1, "b")] == []
    assert await store.attempts(G2, "bob") == []
    assert await store.attempts("guild:3", "ada", "a") == []


async def test_progress_is_per_learner_and_scope(store: SqliteStore) -> None:
    ada1, ada2, bob1 = [await store.progress(*learner) for learner in LEARNERS]
    assert set(ada1) == {"a", "b"} and set(ada2) == {"a", "b", "c"} and set(bob1) == {"a", "c"}
    assert (ada1["a"].attempts, ada1["a"].failures, ada1["a"].attempts_to_complete) == (2, 1, 2)
    assert (ada2["a"].attempts, ada2["a"].failures, ada2["a"].attempts_to_complete) == (1, 0, 1)
    assert (bob1["a"].attempts, bob1["a"].failures, bob1["a"].completed) == (2, 2, False)
    assert (ada1["b"].hints_shown, ada1["b"].solution_shown_at, ada1["b"].completed) == (
        1,
        None,
        False,
    )
    assert ada2["b"].hints_shown == 0 and ada2["b"].solution_shown_at is not None
    assert ada2["b"].completed and not ada2["c"].completed
    assert ada1["b"].earned_unlock and bob1["c"].earned_unlock and ada2["c"].earned_unlock
    assert await store.progress(G2, "bob") == {}


async def test_leaderboard_and_rank_are_per_scope(store: SqliteStore) -> None:
    first = await store.leaderboard(G1, 0, 10)
    second = await store.leaderboard(G2, 0, 10)
    assert first.total == 1 and [(r.user_id, r.display_name) for r in first.rows] == [
        ("ada", "ada@guild:1")
    ]
    assert second.total == 1 and [(r.user_id, r.display_name) for r in second.rows] == [
        ("ada", "ada@guild:2")
    ]
    assert (first.rows[0].completed, first.rows[0].current_lesson_id) == (1, "b")
    assert (second.rows[0].completed, second.rows[0].current_lesson_id) == (2, "c")
    assert await store.rank_of(*ADA1) == 1 and await store.rank_of(*ADA2) == 1
    assert await store.rank_of(*BOB1) is None and await store.rank_of(G2, "bob") is None


async def test_audit_settings_and_scope_reads_are_per_scope(store: SqliteStore) -> None:
    g1_log = await store.audit_log(G1)
    assert [(e.scope, e.action, e.user_id) for e in g1_log] == [
        (G1, "config", None),
        (G1, "unlock", "bob"),
    ]
    assert await store.audit_log(G2) == []
    assert [e.action for e in await store.audit_log(G1, user_id="bob")] == ["unlock"]
    assert await store.audit_log(G1, user_id="ada") == []
    assert await store.scope_settings(G1) == {"lesson_channels": [1]}
    assert await store.scope_settings(G2) == {"lesson_channels": [2]}
    g1 = {row.learner.user_id: row for row in await store.scope_progress(G1)}
    g2 = {row.learner.user_id: row for row in await store.scope_progress(G2)}
    assert set(g1) == {"ada", "bob"} and set(g2) == {"ada"}
    assert g1["ada"].progress == await store.progress(*ADA1)
    assert g1["bob"].progress == await store.progress(*BOB1)
    assert g2["ada"].progress == await store.progress(*ADA2)
    failing = {(f.lesson_id, f.check, f.failures) for f in await store.failing_checks(G1)}
    assert failing == {("a", "check-ada@guild:1", 1), ("a", "check-bob@guild:1", 2)}
    assert [(f.lesson_id, f.check, f.failures) for f in await store.failing_checks(G2)] == [
        ("b", "check-ada@guild:2", 2)
    ]


# Writes: each touches only its own learner (and scope).


async def everything(store: SqliteStore, learner: tuple[str, str]) -> dict[str, Any]:
    """What every read shows of one learner, and of the scope when it is not the writer's."""
    scope, user_id = learner
    board = await store.leaderboard(scope, 0, 100)
    return {
        "learner": await store.get_learner(scope, user_id),
        "progress": await store.progress(scope, user_id),
        "attempts": await store.attempts(scope, user_id, limit=100),
        "audit": await store.audit_log(scope, 100, user_id),
        "board row": [replace(r, rank=0) for r in board.rows if r.user_id == user_id],
        "scope row": [r for r in await store.scope_progress(scope) if r.learner.user_id == user_id],
    }


async def whole_scope(store: SqliteStore, scope: str) -> dict[str, Any]:
    return {
        "board": await store.leaderboard(scope, 0, 100),
        "audit": await store.audit_log(scope, 100),
        "settings": await store.scope_settings(scope),
        "progress": await store.scope_progress(scope),
        "failing": await store.failing_checks(scope),
        "ranks": [await store.rank_of(scope, user) for user in ("ada", "bob")],
    }


Write = Callable[[SqliteStore, str, str], Awaitable[object]]
WRITES: dict[str, Write] = {
    "fail": lambda s, scope, user: s.record_attempt(
        scope, user, attempt((scope, user), "a", False)
    ),
    "pass and unlock": lambda s, scope, user: s.record_attempt(
        scope, user, attempt((scope, user), "b", True), unlock="c"
    ),
    "pass again": lambda s, scope, user: s.record_attempt(
        scope, user, attempt((scope, user), "a", True), unlock="b"
    ),
    "rename": lambda s, scope, user: s.ensure_learner(scope, user, "Renamed"),
    "current lesson": lambda s, scope, user: s.set_current_lesson(scope, user, "a"),
    "hint": lambda s, scope, user: s.reveal_hint(scope, user, "a", 3),
    "solution": lambda s, scope, user: s.record_solution_shown(scope, user, "a"),
    "unlock": lambda s, scope, user: s.unlock(scope, user, "d", actor="mod:2"),
    "reset a lesson": lambda s, scope, user: s.reset(scope, user, "a", actor="mod:2"),
    "reset everything": lambda s, scope, user: s.reset(scope, user, None, actor="mod:2"),
}


@pytest.mark.parametrize("writer", LEARNERS, ids=tag)
@pytest.mark.parametrize("name", WRITES)
async def test_a_write_touches_only_its_own_learner(
    store: SqliteStore, name: str, writer: tuple[str, str]
) -> None:
    others = [learner for learner in LEARNERS if learner != writer]
    other_scope = G2 if writer[0] == G1 else G1
    before = [await everything(store, learner) for learner in others]
    scope_before = await whole_scope(store, other_scope)
    mine_before = await everything(store, writer)
    await WRITES[name](store, *writer)
    mine_after = await everything(store, writer)
    assert {**mine_after, "audit": None} != {**mine_before, "audit": None}, "nothing changed"
    assert [await everything(store, learner) for learner in others] == before
    assert await whole_scope(store, other_scope) == scope_before
    for learner in LEARNERS:
        await assert_summary_matches_lessons(store, learner)


async def assert_summary_matches_lessons(store: SqliteStore, learner: tuple[str, str]) -> None:
    """The leaderboard's per-learner summary always agrees with the learner's lessons."""
    record = await store.get_learner(*learner)
    if record is None:
        assert await store.progress(*learner) == {}
        return
    done = [p for p in (await store.progress(*learner)).values() if p.completed]
    assert record.completed_count == len(done)
    assert record.attempts_to_complete == sum(p.attempts_to_complete or 0 for p in done)
    assert record.last_completed_at == max((p.completed_at or 0.0 for p in done), default=None)


async def test_settings_are_written_per_scope(store: SqliteStore) -> None:
    await store.set_scope_setting(G1, "moderator_role", 7, actor="mod:1")
    await store.set_scope_setting(G1, "lesson_channels", None, actor="mod:1")
    assert await store.scope_settings(G1) == {"moderator_role": 7}
    assert await store.scope_settings(G2) == {"lesson_channels": [2]}
    assert await store.audit_log(G2) == []
    await store.set_scope_setting(G2, "lesson_channels", None)
    assert await store.scope_settings(G1) == {"moderator_role": 7}


# What is kept of an attempt.


async def test_code_is_flagged_truncated_only_when_it_was_cut(store: SqliteStore) -> None:
    sizes = (0, 1, MAX_STORED_CODE_CHARS - 1, MAX_STORED_CODE_CHARS, MAX_STORED_CODE_CHARS + 1)
    for size in sizes:
        code = "x" * size
        await store.record_attempt(*BOB1, replace(attempt(BOB1, "e", False), code=code))
    stored = list(reversed(await store.attempts(*BOB1, "e")))
    assert [len(a.code) for a in stored] == [*sizes[:-1], MAX_STORED_CODE_CHARS]
    assert [a.code_truncated for a in stored] == [False, False, False, False, True]
    assert not any(a.code_truncated for a in await store.attempts(*ADA2))


async def test_an_attempt_keeps_every_field(store: SqliteStore) -> None:
    result = await store.record_attempt(*BOB1, attempt(BOB1, "e", True, 7), unlock="f")
    newest = (await store.attempts(*BOB1, limit=1))[0]
    assert newest.id == result.attempt_id
    assert (newest.lesson_id, newest.status, newest.passed) == ("e", "passed", True)
    assert newest.code == "# bob@guild:1 e 7\n" and not newest.code_truncated
    assert newest.checks == [{"name": "check-bob@guild:1", "passed": True, "message": "m"}]
    assert newest.metrics == {"loss_after": 7.0}
    older = (await store.attempts(*BOB1, limit=2))[1]
    assert (older.lesson_id, older.status, older.passed) == ("a", "failed", False)
    assert isinstance(older.created_at, float) and isinstance(newest.created_at, float)
    assert older.created_at < newest.created_at and older.id < newest.id
    assert (result.newly_completed, result.newly_unlocked) == (True, True)
