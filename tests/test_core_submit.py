"""Submitting through the core: extract, grade in the real sandbox, record, unlock."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import (
    AlreadyGrading,
    Learner,
    LessonLocked,
    NoCodeFound,
    SolutionNotAvailable,
    TutorCore,
    UnknownLesson,
)
from bot.store import SqliteStore
from lessons import load_course
from sandbox import Limits, Sandbox

COURSE = load_course()
FIRST, SECOND = COURSE.lessons[0], COURSE.lessons[1]
WRONG_FIRST = FIRST.fixtures[0]  # a typical wrong answer, failing a named check
ADA = Learner("guild:1", "ada", "Ada")


async def test_a_pass_is_recorded_and_opens_the_next_lesson(
    core: TutorCore, store: SqliteStore
) -> None:
    outcome = await core.submit(ADA, FIRST.solution)  # no lesson named: the current one
    assert outcome.verdict.passed and outcome.lesson is FIRST
    assert outcome.unlocked is SECOND and outcome.newly_completed
    assert not outcome.course_completed
    (attempt,) = await store.attempts("guild:1", "ada")
    assert attempt.id == outcome.attempt_id and attempt.passed
    assert attempt.code == FIRST.solution
    assert [c["name"] for c in attempt.checks] == [c.name for c in outcome.verdict.checks]


async def test_passing_again_is_practice(core: TutorCore) -> None:
    await core.submit(ADA, FIRST.solution, FIRST.id)
    again = await core.submit(ADA, FIRST.solution, FIRST.id)
    assert again.verdict.passed
    assert again.unlocked is None and not again.newly_completed
    progress = await core.progress(ADA)
    assert progress.completed == 1 and progress.attempts == 2


async def test_a_wrong_answer_fails_the_check_it_names(core: TutorCore) -> None:
    outcome = await core.submit(ADA, WRONG_FIRST.code, FIRST.id)
    assert outcome.verdict.status == "failed"
    assert WRONG_FIRST.fails in [c.name for c in outcome.verdict.failed_checks]
    assert outcome.unlocked is None
    with pytest.raises(LessonLocked):
        await core.show_lesson(ADA, "2")


async def test_a_fenced_chat_message_is_graded(core: TutorCore) -> None:
    message = f"here is my try:\n```python\n{FIRST.solution}```\nthanks!"
    outcome = await core.submit(ADA, message, require_fence=True)
    assert outcome.verdict.passed


async def test_no_code_is_a_friendly_refusal(core: TutorCore, store: SqliteStore) -> None:
    with pytest.raises(NoCodeFound) as caught:
        await core.submit(ADA, "   ")
    assert "couldn't find any code" in caught.value.message
    with pytest.raises(NoCodeFound) as caught:
        await core.submit(ADA, "what does lr mean?", require_fence=True)
    assert "```python" in caught.value.message
    with pytest.raises(NoCodeFound) as caught:
        await core.submit(ADA, "I think the slope points uphill?")
    assert "line 1" in caught.value.message and "```python" in caught.value.message
    assert await store.attempts("guild:1", "ada") == []


async def test_submitting_to_a_locked_lesson_records_nothing(
    core: TutorCore, store: SqliteStore
) -> None:
    with pytest.raises(LessonLocked):
        await core.submit(ADA, SECOND.solution, SECOND.id)
    with pytest.raises(UnknownLesson):
        await core.submit(ADA, SECOND.solution, "no-such-lesson")
    assert await store.attempts("guild:1", "ada") == []


async def test_one_submission_at_a_time_per_learner(core: TutorCore) -> None:
    first, second = await asyncio.gather(
        core.submit(ADA, FIRST.solution), core.submit(ADA, FIRST.solution), return_exceptions=True
    )
    assert not isinstance(first, BaseException) and first.verdict.passed
    assert isinstance(second, AlreadyGrading)
    assert "still grading your last submission" in second.message
    assert not core._grading  # the slot was released
    assert (await core.submit(ADA, FIRST.solution)).verdict.passed  # the slot was released


async def test_fifty_learners_at_once_all_recorded(core: TutorCore, store: SqliteStore) -> None:
    learners = [Learner("guild:1", f"u{i}", f"U{i}") for i in range(50)]
    outcomes = await asyncio.gather(
        *(
            core.submit(who, FIRST.solution if i % 2 else WRONG_FIRST.code)
            for i, who in enumerate(learners)
        )
    )
    assert sum(o.verdict.passed for o in outcomes) == 25
    assert len({o.attempt_id for o in outcomes}) == 50
    board = await core.leaderboard("guild:1", page_size=50)
    assert board.total == 25
    assert {e.user_id for e in board.entries} == {f"u{i}" for i in range(1, 50, 2)}


async def test_unchanged_starter_is_not_attempted_and_not_a_failure(core: TutorCore) -> None:
    outcome = await core.submit(ADA, FIRST.starter_code)
    assert outcome.verdict.status == "not_attempted"
    with pytest.raises(SolutionNotAvailable):
        await core.solution_view(ADA)
    statuses = await core.list_lessons(ADA)
    assert statuses[0].attempts == 1


async def test_solution_opens_after_enough_failures(core: TutorCore) -> None:
    await core.submit(ADA, WRONG_FIRST.code)
    with pytest.raises(SolutionNotAvailable) as caught:
        await core.solution_view(ADA)
    assert "after 1 more failed attempt." in caught.value.message
    # A syntax error inside a fence is a failed try too (unfenced, it isn't read as code).
    await core.submit(ADA, "```python\nx = (\n```")
    assert (await core.solution_view(ADA)).code == FIRST.solution
    assert (await core.current_lesson(ADA)).solution_available


async def test_solution_opens_after_passing(core: TutorCore, store: SqliteStore) -> None:
    await core.submit(ADA, FIRST.solution)
    view = await core.solution_view(ADA, FIRST.id)
    assert view.lesson is FIRST and view.code == FIRST.solution
    progress = await store.progress("guild:1", "ada")
    assert progress[FIRST.id].solution_shown_at is not None


async def test_hints_come_in_tiers_and_are_recorded(core: TutorCore) -> None:
    tiers = len(FIRST.hints)
    shown = [await core.hint(ADA) for _ in range(tiers + 1)]
    assert [h.tier for h in shown] == [*range(1, tiers + 1), tiers]
    assert [h.text for h in shown[:tiers]] == FIRST.hints
    assert shown[-1].is_last and not shown[0].is_last
    assert (await core.list_lessons(ADA))[0].hints_shown == tiers
    with pytest.raises(LessonLocked):
        await core.hint(ADA, "2")


async def test_progress_and_leaderboard_rank(core: TutorCore) -> None:
    bob = Learner("guild:1", "bob", "Bob")
    await core.submit(bob, FIRST.solution)
    await core.submit(ADA, WRONG_FIRST.code)
    await core.submit(ADA, FIRST.solution)
    await core.submit(ADA, SECOND.solution, SECOND.id)
    progress = await core.progress(ADA)
    assert (progress.completed, progress.attempts, progress.rank) == (2, 3, 1)
    assert (await core.progress(bob)).rank == 2
    board = await core.leaderboard("guild:1")
    assert [(e.rank, e.display_name, e.completed) for e in board.entries] == [
        (1, "Ada", 2),
        (2, "Bob", 1),
    ]
    assert board.page_count == 1


async def test_reset_relocks_and_logs(core: TutorCore) -> None:
    await core.submit(ADA, FIRST.solution)
    with pytest.raises(UnknownLesson):
        await core.reset("guild:1", "ada", "no-such-lesson", actor="mod")
    assert await core.reset("guild:1", "ada", actor="mod")
    with pytest.raises(LessonLocked):
        await core.show_lesson(ADA, "2")
    assert (await core.progress(ADA)).attempts == 0
    assert not await core.reset("guild:1", "nobody", actor="mod")


async def test_a_submission_cancelled_mid_grading_records_nothing(store: SqliteStore) -> None:
    # One worker: `saturated` then means this learner's code is running right now.
    async with Sandbox(workers=1, limits=Limits(timeout_s=10.0)) as sandbox:
        core = TutorCore(store, sandbox, COURSE)
        task = asyncio.create_task(core.submit(ADA, "while True:\n    pass\n"))
        while not sandbox.saturated and not task.done():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not core._grading  # the slot was released
        assert await store.attempts("guild:1", "ada") == []
        assert (await core.submit(ADA, FIRST.solution)).verdict.passed


async def test_text_with_lone_surrogates_is_graded_and_stored(
    core: TutorCore, store: SqliteStore
) -> None:
    # What undecodable bytes become on argv or stdin, or an escaped surrogate in JSON.
    outcome = await core.submit(ADA, "# caf\udce9 \ud800\n" + FIRST.solution)
    assert outcome.verdict.passed
    (attempt,) = await store.attempts("guild:1", "ada")
    assert attempt.code.startswith("# caf\ufffd \ufffd\n")
