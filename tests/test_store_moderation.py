"""What moderators need from the store: unlocks, the audit log, whole-scope progress,
failing checks, leaderboard activity, and the 0004 migration of the old reset log."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import NewAttempt, SqliteStore, UnknownLearner, scope_stats
from bot.store.connection import connect
from bot.store.migrate import load_migrations, migrate
from tests.store_backends import BACKENDS, backend_store


def attempt(lesson: str, passed: bool, failed: tuple[str, ...] = ()) -> NewAttempt:
    checks = [{"name": name, "passed": False, "message": "no"} for name in failed]
    checks.append({"name": "later", "passed": None, "message": "can't check until ..."})
    return NewAttempt(
        lesson_id=lesson,
        status="passed" if passed else "failed",
        passed=passed,
        counts_as_failure=not passed,
        code=f"# {lesson} {passed}\n",
        checks=[] if passed else checks,
    )


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqliteStore]:
    ticks = itertools.count(1000)
    async with backend_store(request, tmp_path, lambda: float(next(ticks))) as opened:
        for user in ("ada", "bob"):
            await opened.ensure_learner("guild:1", user, user.title())
        yield opened


async def test_unlock_opens_a_lesson_once_and_is_audited(store: SqliteStore) -> None:
    assert await store.unlock("guild:1", "ada", "c", actor="mod:7")
    assert not await store.unlock("guild:1", "ada", "c", actor="mod:7")
    progress = (await store.progress("guild:1", "ada"))["c"]
    assert progress.earned_unlock and not progress.completed
    log = await store.audit_log("guild:1")
    assert [(e.action, e.user_id, e.lesson_id, e.actor, e.detail) for e in log] == [
        ("unlock", "ada", "c", "mod:7", "already unlocked"),
        ("unlock", "ada", "c", "mod:7", ""),
    ]
    assert log[0].created_at > log[1].created_at


async def test_unlock_of_an_unknown_learner_writes_nothing(store: SqliteStore) -> None:
    with pytest.raises(UnknownLearner):
        await store.unlock("guild:1", "nobody", "c", actor="mod:7")
    assert await store.audit_log("guild:1") == []


async def test_reset_is_audited_even_when_there_was_nothing(store: SqliteStore) -> None:
    assert not await store.reset("guild:1", "nobody", None, actor="mod:7")
    assert await store.reset("guild:1", "bob", None, actor="mod:8")
    log = await store.audit_log("guild:1")
    assert [(e.user_id, e.actor, e.detail) for e in log] == [
        ("bob", "mod:8", ""),
        ("nobody", "mod:7", "nothing to reset"),
    ]
    assert [e.user_id for e in await store.audit_log("guild:1", user_id="bob")] == ["bob"]
    assert await store.audit_log("guild:2") == []


async def test_settings_changes_with_an_actor_are_audited(store: SqliteStore) -> None:
    await store.set_scope_setting("guild:1", "moderator_role", "55", actor="mod:7")
    await store.set_scope_setting("guild:1", "moderator_role", None, actor="mod:7")
    await store.set_scope_setting("guild:1", "lesson_channels", ["1"])  # no actor: not logged
    details = [(e.action, e.detail) for e in await store.audit_log("guild:1")]
    assert details == [("config", "moderator_role removed"), ("config", 'moderator_role = "55"')]


async def test_scope_progress_lists_every_learner_with_their_lessons(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt("a", True), unlock="b")
    await store.record_attempt("guild:1", "ada", attempt("b", False, ("mse",)))
    await store.ensure_learner("guild:2", "eve", "Eve")
    rows = await store.scope_progress("guild:1")
    assert [r.learner.user_id for r in rows] == ["ada", "bob"]
    ada, bob = rows
    assert set(ada.progress) == {"a", "b"}
    assert ada.progress["a"].completed and ada.progress["b"].attempts == 1
    assert ada.last_active_at is not None
    assert bob.progress == {} and bob.last_active_at is None


async def test_failing_checks_count_the_first_failed_check_of_failed_attempts(
    store: SqliteStore,
) -> None:
    await store.record_attempt("guild:1", "ada", attempt("a", False, ("mse", "grad")))
    await store.record_attempt("guild:1", "ada", attempt("a", False, ("grad",)))
    await store.record_attempt("guild:1", "bob", attempt("a", False, ("grad",)))
    await store.record_attempt("guild:1", "bob", attempt("b", False, ("shape",)))
    await store.record_attempt("guild:1", "bob", attempt("b", True))
    found = [(f.lesson_id, f.check, f.failures) for f in await store.failing_checks("guild:1")]
    # "grad" failing after "mse" is a symptom of the mse mistake: counted once, as "mse".
    assert found == [("a", "grad", 2), ("a", "mse", 1), ("b", "shape", 1)]
    assert await store.failing_checks("guild:2") == []


async def test_leaderboard_rows_carry_current_lesson_and_last_activity(
    store: SqliteStore,
) -> None:
    await store.record_attempt("guild:1", "ada", attempt("a", True), unlock="b")
    await store.set_current_lesson("guild:1", "ada", "b")
    await store.record_attempt("guild:1", "ada", attempt("b", False, ("mse",)))
    (row,) = (await store.leaderboard("guild:1", 0, 10)).rows
    assert row.current_lesson_id == "b"
    newest = (await store.attempts("guild:1", "ada"))[0]
    assert row.last_active_at == newest.created_at > row.last_completed_at


async def test_migration_4_moves_the_reset_log_and_fills_last_activity(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    db = await connect(path)
    try:
        await migrate(db, load_migrations()[:3])
        await db.execute(
            "INSERT INTO learners (id, scope, user_id, display_name, created_at)"
            " VALUES (1, 'guild:1', 'u1', 'Ada', 0)"
        )
        for when in (10.0, 30.0):
            await db.execute(
                "INSERT INTO attempts (learner_id, lesson_id, created_at, status, passed,"
                " checks, metrics, code) VALUES (1, 'a', ?, 'failed', 0, '[]', '{}', 'x')",
                (when,),
            )
        await db.execute(
            "INSERT INTO resets (scope, user_id, lesson_id, actor, reset_at)"
            " VALUES ('guild:1', 'u0', NULL, 'mod:1', 5.0)"
        )
    finally:
        await db.close()
    async with SqliteStore(path) as store:
        (entry,) = await store.audit_log("guild:1")
        assert (entry.action, entry.user_id, entry.lesson_id, entry.actor, entry.created_at) == (
            "reset",
            "u0",
            None,
            "mod:1",
            5.0,
        )
        (row,) = await store.scope_progress("guild:1")
        assert row.last_active_at == 30.0


async def test_scope_progress_streams_in_batches_and_lets_writes_through(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(7):
        user = f"learner{n}"
        await store.ensure_learner("guild:1", user, user)
        for lesson in ("a", "b", "c")[: n % 4]:
            await store.record_attempt("guild:1", user, attempt(lesson, True))
    monkeypatch.setattr(scope_stats, "STREAM_BATCH", 3)  # rows per round trip
    whole = await store.scope_progress("guild:1")
    batches = []
    async for batch in store.scope_progress_batches("guild:1"):
        batches.append(batch)
        # The stream reads a snapshot of its own: the bot keeps recording meanwhile.
        await store.record_attempt("guild:1", "ada", attempt("z", False))
    assert len(batches) > 2
    assert [row for batch in batches for row in batch] == whole
    assert len(whole) == 9  # ada, bob and the seven
