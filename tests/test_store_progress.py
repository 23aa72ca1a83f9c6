"""Progress, attempts, hints, solutions, resets and settings as the store keeps them."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import MAX_STORED_CODE_CHARS, NewAttempt, SqliteStore, UnknownLearner
from tests.store_backends import BACKENDS, backend_store


def attempt(lesson: str = "numpy-basics", passed: bool = False, **kw: object) -> NewAttempt:
    status = "passed" if passed else "failed"
    return NewAttempt(
        lesson_id=lesson,
        status=str(kw.get("status", status)),
        passed=passed,
        counts_as_failure=bool(kw.get("counts_as_failure", not passed)),
        code=str(kw.get("code", "x = 1\n")),
        checks=[{"name": "mse", "passed": passed, "message": "why"}],
        metrics=dict(kw.get("metrics", {"loss_before": 2.0, "loss_after": 1.0})),  # type: ignore[call-overload]
    )


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqliteStore]:
    async with backend_store(request, tmp_path) as opened:
        await opened.ensure_learner("guild:1", "ada", "Ada")
        yield opened


async def test_ensure_learner_creates_once_and_follows_renames(store: SqliteStore) -> None:
    renamed = await store.ensure_learner("guild:1", "ada", "Ada L.")
    assert renamed.display_name == "Ada L."
    assert (await store.get_learner("guild:1", "ada")) == renamed
    assert await store.get_learner("guild:2", "ada") is None


async def test_failed_attempts_are_counted_and_kept_with_their_checks(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt(code="print(1)\n"))
    second = await store.record_attempt("guild:1", "ada", attempt())
    assert not second.newly_completed
    progress = (await store.progress("guild:1", "ada"))["numpy-basics"]
    assert (progress.attempts, progress.failures, progress.completed) == (2, 2, False)
    newest, oldest = await store.attempts("guild:1", "ada")
    assert newest.id == second.attempt_id
    assert oldest.code == "print(1)\n"
    assert oldest.checks == [{"name": "mse", "passed": False, "message": "why"}]
    assert oldest.metrics == {"loss_before": 2.0, "loss_after": 1.0}


async def test_not_attempted_is_recorded_without_counting_as_failure(store: SqliteStore) -> None:
    await store.record_attempt(
        "guild:1", "ada", attempt(status="not_attempted", counts_as_failure=False)
    )
    progress = (await store.progress("guild:1", "ada"))["numpy-basics"]
    assert (progress.attempts, progress.failures) == (1, 0)


async def test_a_pass_completes_once_and_unlocks_once(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt())
    first = await store.record_attempt("guild:1", "ada", attempt(passed=True), unlock="neuron")
    again = await store.record_attempt("guild:1", "ada", attempt(passed=True), unlock="neuron")
    assert (first.newly_completed, first.newly_unlocked) == (True, True)
    assert (again.newly_completed, again.newly_unlocked) == (False, False)
    progress = await store.progress("guild:1", "ada")
    assert progress["numpy-basics"].attempts_to_complete == 2
    assert progress["numpy-basics"].attempts == 3
    assert progress["neuron"].earned_unlock and not progress["neuron"].completed
    learner = await store.get_learner("guild:1", "ada")
    assert learner is not None
    assert (learner.completed_count, learner.attempts_to_complete) == (1, 2)


async def test_a_failed_attempt_never_unlocks(store: SqliteStore) -> None:
    result = await store.record_attempt("guild:1", "ada", attempt(), unlock="neuron")
    assert not result.newly_unlocked
    assert "neuron" not in await store.progress("guild:1", "ada")


async def test_scopes_keep_separate_progress(store: SqliteStore) -> None:
    await store.ensure_learner("dm", "ada", "Ada")
    await store.record_attempt("guild:1", "ada", attempt(passed=True), unlock="neuron")
    assert await store.progress("dm", "ada") == {}


async def test_unknown_learner_cannot_record(store: SqliteStore) -> None:
    with pytest.raises(UnknownLearner):
        await store.record_attempt("guild:1", "nobody", attempt())
    assert await store.attempts("guild:1", "nobody") == []


async def test_oversized_code_is_cut_and_flagged(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt(code="#" * (MAX_STORED_CODE_CHARS + 10)))
    (stored,) = await store.attempts("guild:1", "ada")
    assert len(stored.code) == MAX_STORED_CODE_CHARS
    assert stored.code_truncated


async def test_diverging_metrics_round_trip(store: SqliteStore) -> None:
    metrics = {"loss_before": 1.0, "loss_after": math.inf, "grad": math.nan}
    await store.record_attempt("guild:1", "ada", attempt(metrics=metrics))
    (stored,) = await store.attempts("guild:1", "ada")
    assert stored.metrics["loss_after"] == math.inf
    assert math.isnan(stored.metrics["grad"])


async def test_attempts_filter_by_lesson_and_limit(store: SqliteStore) -> None:
    for lesson in ("a", "b", "a", "a"):
        await store.record_attempt("guild:1", "ada", attempt(lesson))
    assert [a.lesson_id for a in await store.attempts("guild:1", "ada", "a", limit=2)] == [
        "a",
        "a",
    ]
    assert len(await store.attempts("guild:1", "ada", "b")) == 1


async def test_hint_tiers_advance_and_stop_at_the_last(store: SqliteStore) -> None:
    tiers = [await store.reveal_hint("guild:1", "ada", "numpy-basics", 2) for _ in range(3)]
    assert tiers == [1, 2, 2]
    assert (await store.progress("guild:1", "ada"))["numpy-basics"].hints_shown == 2
    reveals = await store.conn.fetchall("SELECT kind, tier FROM reveals ORDER BY id")
    assert reveals == [("hint", 1), ("hint", 2), ("hint", 2)]


async def test_solution_shown_keeps_the_first_time(store: SqliteStore) -> None:
    await store.record_solution_shown("guild:1", "ada", "numpy-basics")
    first = (await store.progress("guild:1", "ada"))["numpy-basics"].solution_shown_at
    await store.record_solution_shown("guild:1", "ada", "numpy-basics")
    progress = (await store.progress("guild:1", "ada"))["numpy-basics"]
    assert first is not None and progress.solution_shown_at == first


async def test_reset_one_lesson_recomputes_the_summary(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt("a", passed=True), unlock="b")
    await store.record_attempt("guild:1", "ada", attempt("b", passed=True), unlock="c")
    assert await store.reset("guild:1", "ada", "b", actor="mod:7")
    progress = await store.progress("guild:1", "ada")
    assert set(progress) == {"a", "c"}
    learner = await store.get_learner("guild:1", "ada")
    assert learner is not None and learner.completed_count == 1
    assert [a.lesson_id for a in await store.attempts("guild:1", "ada")] == ["a"]
    log = await store.audit_log("guild:1")
    assert [(e.action, e.user_id, e.lesson_id, e.actor) for e in log] == [
        ("reset", "ada", "b", "mod:7")
    ]


async def test_reset_everything_forgets_the_learner(store: SqliteStore) -> None:
    await store.record_attempt("guild:1", "ada", attempt("a", passed=True), unlock="b")
    await store.reveal_hint("guild:1", "ada", "a", 2)
    assert await store.reset("guild:1", "ada", None, actor="mod:7")
    assert await store.get_learner("guild:1", "ada") is None
    for table in ("lesson_progress", "attempts", "reveals"):
        assert (await store.conn.fetchone(f"SELECT COUNT(*) FROM {table}"))[0] == 0
    assert not await store.reset("guild:1", "ada", None, actor="mod:7")


async def test_current_lesson_is_remembered(store: SqliteStore) -> None:
    await store.set_current_lesson("guild:1", "ada", "neuron")
    learner = await store.get_learner("guild:1", "ada")
    assert learner is not None and learner.current_lesson_id == "neuron"


async def test_scope_settings_set_replace_and_remove(store: SqliteStore) -> None:
    await store.set_scope_setting("guild:1", "moderator_role", 5)
    await store.set_scope_setting("guild:1", "lesson_channels", [1, 2])
    await store.set_scope_setting("guild:1", "moderator_role", 6)
    await store.set_scope_setting("guild:2", "moderator_role", 9)
    assert await store.scope_settings("guild:1") == {"moderator_role": 6, "lesson_channels": [1, 2]}
    await store.set_scope_setting("guild:1", "moderator_role", None)
    assert await store.scope_settings("guild:1") == {"lesson_channels": [1, 2]}
