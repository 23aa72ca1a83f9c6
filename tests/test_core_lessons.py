"""Which lessons a learner may read: the first is open, passing one opens the next,
locked and unknown lessons are refused with a friendly message."""

from __future__ import annotations

import pytest

from bot.core import Learner, LessonLocked, TutorCore, UnknownLesson
from bot.core.unlocking import unlocked_ids
from bot.store import LessonProgress, SqliteStore
from lessons import Course, load_course
from sandbox import Sandbox

COURSE = load_course()
ADA = Learner("guild:1", "ada", "Ada")


async def pass_lesson(core: TutorCore, learner: Learner, number: int) -> None:
    lesson = COURSE.lessons[number - 1]
    outcome = await core.submit(learner, lesson.solution, lesson.id)
    assert outcome.verdict.passed, outcome.verdict.message


def test_the_course_is_long_enough_for_these_tests() -> None:
    assert len(COURSE) >= 3


async def test_a_new_learner_starts_at_lesson_one(core: TutorCore) -> None:
    view = await core.next_lesson(ADA)
    assert view.lesson is COURSE.lessons[0]
    assert (view.completed, view.attempts, view.course_complete) == (False, 0, False)
    assert view.total_lessons == len(COURSE)
    assert (await core.current_lesson(ADA)).lesson is COURSE.lessons[0]


async def test_only_the_first_lesson_is_open_at_first(core: TutorCore) -> None:
    statuses = await core.list_lessons(ADA)
    assert [s.unlocked for s in statuses] == [True] + [False] * (len(COURSE) - 1)
    assert not any(s.completed for s in statuses)


async def test_a_locked_lesson_cannot_be_viewed(core: TutorCore) -> None:
    with pytest.raises(LessonLocked) as caught:
        await core.show_lesson(ADA, "3")
    third, second = COURSE.lessons[2], COURSE.lessons[1]
    assert caught.value.lesson is third
    assert f"Pass lesson 2 (“{second.title}”)" in caught.value.message
    with pytest.raises(LessonLocked):
        await core.show_lesson(ADA, third.id)


async def test_unknown_lessons_are_named_in_the_message(core: TutorCore) -> None:
    for reference in ("no-such-lesson", "99", "0"):
        with pytest.raises(UnknownLesson) as caught:
            await core.show_lesson(ADA, reference)
        assert f"“{reference}”" in caught.value.message
        assert f"1 to {len(COURSE)}" in caught.value.message


async def test_passing_a_lesson_opens_the_next_and_next_moves_on(core: TutorCore) -> None:
    await pass_lesson(core, ADA, 1)
    view = await core.show_lesson(ADA, "2")
    assert view.lesson is COURSE.lessons[1]
    assert (await core.next_lesson(ADA)).lesson is COURSE.lessons[1]
    statuses = await core.list_lessons(ADA)
    assert [s.completed for s in statuses[:2]] == [True, False]
    assert [s.unlocked for s in statuses[:3]] == [True, True, False]
    # A passed lesson stays readable, marked as passed.
    again = await core.show_lesson(ADA, COURSE.lessons[0].id)
    assert again.completed and again.solution_available


async def test_show_makes_the_lesson_current(core: TutorCore) -> None:
    await pass_lesson(core, ADA, 1)
    await core.show_lesson(ADA, "1")
    assert (await core.current_lesson(ADA)).lesson is COURSE.lessons[0]


async def test_progress_is_per_scope(core: TutorCore) -> None:
    await pass_lesson(core, ADA, 1)
    elsewhere = Learner("guild:2", "ada", "Ada")
    with pytest.raises(LessonLocked):
        await core.show_lesson(elsewhere, "2")


async def test_the_whole_course_ends_with_a_complete_view(core: TutorCore) -> None:
    for number in range(1, len(COURSE)):
        await pass_lesson(core, ADA, number)
    last = COURSE.lessons[-1]
    outcome = await core.submit(ADA, last.solution, last.id)
    assert outcome.course_completed and outcome.unlocked is None
    view = await core.next_lesson(ADA)
    assert view.course_complete and view.lesson is None
    assert (await core.progress(ADA)).course_complete


async def test_adding_a_lesson_later_relocks_nothing(store: SqliteStore) -> None:
    first, second, third, *rest = COURSE.lessons
    before = Course([first, third, *rest])  # the course before `second` was written
    async with Sandbox(workers=2) as sandbox:
        old = TutorCore(store, sandbox, before)
        for lesson in (first, third):
            assert (await old.submit(ADA, lesson.solution, lesson.id)).verdict.passed
        after = TutorCore(store, sandbox, COURSE)
        statuses = {s.lesson.id: s for s in await after.list_lessons(ADA)}
    # Earned and completed lessons stay open; the new lesson opens after a passed one.
    assert statuses[first.id].completed and statuses[third.id].completed
    assert statuses[second.id].unlocked
    if rest:
        assert statuses[rest[0].id].unlocked


def test_unlock_rule_on_stored_progress() -> None:
    ids = [lesson.id for lesson in COURSE.lessons]
    assert unlocked_ids(COURSE, {}) == {ids[0]}
    passed_first = {ids[0]: LessonProgress(ids[0], completed_at=1.0)}
    assert unlocked_ids(COURSE, passed_first) == {ids[0], ids[1]}
    # An unlock earned earlier stays even if the lesson before it was reset since.
    earned = {ids[2]: LessonProgress(ids[2], unlocked_at=1.0)}
    assert unlocked_ids(COURSE, earned) == {ids[0], ids[2]}


async def test_scope_settings_pass_through_to_the_store(core: TutorCore) -> None:
    await core.configs.set("guild:1", "lesson_channels", [10, 11])
    assert await core.configs.raw("guild:1") == {"lesson_channels": [10, 11]}
    assert await core.configs.raw("guild:2") == {}
