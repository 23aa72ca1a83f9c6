"""The unlock rule at both ends of the course: the first lesson, lesson 2's locked message,
and the last lesson, whose unlock must be earned (and kept) like any other."""

from __future__ import annotations

import pytest

from bot.core import Learner, LessonLocked, TutorCore
from bot.core.unlocking import lesson_after, lesson_before, unlocked_ids
from bot.store import LessonProgress
from lessons import load_course

COURSE = load_course()
ADA = Learner("guild:1", "ada", "Ada")


def test_the_neighbours_of_every_lesson() -> None:
    lessons = COURSE.lessons
    assert len(lessons) >= 3
    for i, lesson in enumerate(lessons):
        assert lesson_after(COURSE, lesson) is (lessons[i + 1] if i + 1 < len(lessons) else None)
        assert lesson_before(COURSE, lesson) is (lessons[i - 1] if i > 0 else None)
    assert lesson_after(COURSE, lessons[-2]) is lessons[-1]
    assert lesson_after(COURSE, lessons[-1]) is None
    assert lesson_before(COURSE, lessons[1]) is lessons[0]
    assert lesson_before(COURSE, lessons[0]) is None


def test_each_completed_lesson_opens_exactly_the_next() -> None:
    ids = [lesson.id for lesson in COURSE.lessons]
    for n in range(len(ids)):
        done = {i: LessonProgress(i, completed_at=1.0) for i in ids[:n]}
        assert unlocked_ids(COURSE, done) == set(ids[: n + 1])


def test_touching_a_lesson_without_passing_or_earning_it_opens_nothing() -> None:
    ids = [lesson.id for lesson in COURSE.lessons]
    tried = {i: LessonProgress(i, attempts=3, failures=3, hints_shown=1) for i in ids}
    assert unlocked_ids(COURSE, tried) == {ids[0]}
    # Completed and earned lessons stay open whatever happened to the ones before them.
    kept = {
        ids[-1]: LessonProgress(ids[-1], completed_at=1.0),
        ids[2]: LessonProgress(ids[2], unlocked_at=1.0),
    }
    assert unlocked_ids(COURSE, kept) == {ids[0], ids[2], ids[-1]}


async def test_lesson_two_is_locked_until_lesson_one_is_passed(core: TutorCore) -> None:
    first, second = COURSE.lessons[:2]
    with pytest.raises(LessonLocked) as caught:
        await core.show_lesson(ADA, "2")
    assert caught.value.previous is first
    assert caught.value.message == (
        f"Lesson 2 (“{second.title}”) is still locked. "
        f"Pass lesson 1 (“{first.title}”) to unlock it."
    )


async def test_passing_the_second_to_last_lesson_earns_the_last(core: TutorCore) -> None:
    before_last, last = COURSE.lessons[-2:]
    await core.moderation.unlock(ADA, before_last.id, actor="mod:1")
    outcome = await core.submit(ADA, before_last.solution, before_last.id)
    assert outcome.verdict.passed, outcome.verdict.message
    assert outcome.unlocked is last and not outcome.course_completed
    progress = await core.store.progress(ADA.scope, ADA.user_id)
    assert progress[last.id].earned_unlock
    # The unlock was earned, so it outlives a reset of the lesson that earned it.
    await core.moderation.reset(ADA.scope, ADA.user_id, before_last.id, actor="mod:1")
    statuses = {s.lesson.id: s for s in await core.list_lessons(ADA)}
    assert statuses[last.id].unlocked and not statuses[before_last.id].unlocked
    view = await core.show_lesson(ADA, str(len(COURSE)))
    assert view.lesson is last


async def test_passing_a_lesson_earns_the_next_not_another(core: TutorCore) -> None:
    first, second, third = COURSE.lessons[:3]
    await core.moderation.unlock(ADA, second.id, actor="mod:1")
    outcome = await core.submit(ADA, second.solution, second.id)
    assert outcome.verdict.passed, outcome.verdict.message
    assert outcome.unlocked is third
    progress = await core.store.progress(ADA.scope, ADA.user_id)
    assert progress[third.id].earned_unlock
    assert first.id not in progress
