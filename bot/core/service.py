"""The tutor core: the one service every front end calls.

It decides which lesson a learner is on and whether it is open, sends code through the
sandbox and the grader, and records the outcome (with the unlock it earns) in one store
transaction. It knows nothing about Discord or terminals.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass

from bot.code_extraction import HOW_TO_FORMAT, Extraction, extract_code, extract_from_file
from bot.core.cooldown import SubmissionCooldown
from bot.core.errors import (
    AlreadyGrading,
    GraderProblem,
    LessonLocked,
    NoCodeFound,
    NoHints,
    ShuttingDown,
    SolutionNotAvailable,
    UnknownLesson,
    WrongLesson,
)
from bot.core.learner import Learner
from bot.core.moderation import Moderation
from bot.core.scope_config import ScopeConfigs
from bot.core.staff_tools import StaffTools
from bot.core.submission_events import NO_EVENTS, SubmissionEvents
from bot.core.text import valid_unicode
from bot.core.unlocking import lesson_after, lesson_before, unlocked_ids
from bot.core.views import (
    HintView,
    LeaderboardPage,
    LessonStatus,
    LessonView,
    ProgressView,
    SolutionView,
    SubmissionOutcome,
)
from bot.core.wrong_lesson import lesson_for_code, missing_name
from bot.store import LearnerRecord, LessonProgress, NewAttempt, Store
from lessons import Course, Lesson, Verdict, VerdictStatus, grade_submission
from lessons.grading import (
    DEFAULT_DEADLINES,
    Deadlines,
    GradingError,
    Runner,
    fresh_seed,
    trusted_step,
)

log = logging.getLogger(__name__)

# Outcomes that are not the learner getting it wrong: they do not bring the solution closer.
_NOT_A_FAILURE = frozenset(
    {VerdictStatus.PASSED, VerdictStatus.NOT_ATTEMPTED, VerdictStatus.CRASHED}
)

MAX_PAGE_SIZE = 50

# How long a grading may hold its learner's lease in the database. Far beyond any grading
# (seconds); it only matters when a process dies mid-grading: then the learner waits this
# long at most before another process may grade them.
GRADING_LEASE_S = 120.0


@dataclass(frozen=True)
class _State:
    """One learner's standing, read once per call."""

    record: LearnerRecord
    progress: dict[str, LessonProgress]
    unlocked: set[str]
    solution_after_failures: int  # the scope's policy, or the bot's default

    def of(self, lesson: Lesson) -> LessonProgress:
        return self.progress.get(lesson.id) or LessonProgress(lesson.id)


class TutorCore(StaffTools):
    def __init__(
        self,
        store: Store,
        sandbox: Runner,
        course: Course,
        *,
        solution_after_failures: int = 3,
        deadlines: Deadlines = DEFAULT_DEADLINES,
        submission_cooldown_s: float = 0.0,
    ) -> None:
        self.store = store
        self.sandbox = sandbox
        self.course = course
        self._solution_after_failures = solution_after_failures
        self.configs = ScopeConfigs(store)
        self.moderation = Moderation(store, course)
        self.deadlines = deadlines  # for the lesson's trusted grading code
        self._grading: set[tuple[str, str]] = set()
        self._cooldown = SubmissionCooldown(submission_cooldown_s)
        self._closing = False
        # This core's name on grading leases: other processes on the database hold others.
        self._lease_holder = secrets.token_hex(8)

    @property
    def solution_after_failures(self) -> int:
        """The bot's solution policy (SOLUTION_AFTER_FAILURES), unless a scope sets its own."""
        return self._solution_after_failures

    # Reading lessons

    async def next_lesson(self, learner: Learner) -> LessonView:
        """The first open lesson not yet completed, which becomes the current one; or a
        "course complete" view when nothing is left."""
        state = await self._state(learner)
        for lesson in self.course.lessons:
            if lesson.id in state.unlocked and not state.of(lesson).completed:
                await self.store.set_current_lesson(learner.scope, learner.user_id, lesson.id)
                return self._view(state, lesson)
        return LessonView(lesson=None, total_lessons=len(self.course), course_complete=True)

    async def current_lesson(self, learner: Learner) -> LessonView:
        """The lesson the learner last opened, or else the one `next_lesson` would give."""
        state = await self._state(learner)
        current = self._current(state)
        if current is None:
            return await self.next_lesson(learner)
        return self._view(state, current)

    async def list_lessons(self, learner: Learner) -> list[LessonStatus]:
        state = await self._state(learner)
        return [self._status(state, lesson) for lesson in self.course.lessons]

    async def show_lesson(self, learner: Learner, reference: str) -> LessonView:
        """Lesson by id or 1-based number; it becomes the current one."""
        state = await self._state(learner)
        lesson = self._open_lesson(state, reference)
        await self.store.set_current_lesson(learner.scope, learner.user_id, lesson.id)
        return self._view(state, lesson)

    # Submitting

    def find_code(self, text: str, *, require_fence: bool = False) -> Extraction:
        """The code in a message, or why there is none (`code` and `problem` both None: the
        message is conversation). A front end that must look before submitting passes the
        result to `submit`, so the message is read once."""
        return self._extract(text, as_file=False, require_fence=require_fence)

    def stop_admitting(self) -> None:
        """From now on `submit` refuses new submissions (ShuttingDown); running ones finish."""
        self._closing = True

    async def submit(
        self,
        learner: Learner,
        text: str | Extraction,
        lesson_id: str | None = None,
        *,
        require_fence: bool = False,
        as_file: bool = False,
        events: SubmissionEvents = NO_EVENTS,
        wait_out_cooldown: bool = False,
    ) -> SubmissionOutcome:
        """Admit the submission, extract the code from `text` (unless it is an Extraction
        from `find_code` already), grade it on the lesson (the current one unless named),
        and record the attempt together with any unlock it earns.

        Admission is the same for every front end: refused while stopping, while this
        learner's last submission is still grading (in any process on the database), and
        inside the cooldown, which `wait_out_cooldown` waits out instead (an edited message).
        `events` hears when the submission is admitted and when its run is queued.

        `as_file`: the text is a file or a paste at a code prompt, so without a fence it is
        code as it is, and a typo gets a syntax-error verdict with its caret."""
        if self._closing:
            raise ShuttingDown()
        key = (learner.scope, learner.user_id)
        if key in self._grading:
            raise AlreadyGrading()
        self._grading.add(key)  # no await since the check: claiming the slot is atomic
        try:
            if wait_out_cooldown:
                await asyncio.sleep(self._cooldown.remaining(key))
            self._cooldown.begin(key)
            # The same rule across processes (shards, the terminal) sharing the database.
            if not await self.store.claim_grading(*key, self._lease_holder, GRADING_LEASE_S):
                raise AlreadyGrading()
        except BaseException:
            self._grading.discard(key)
            raise
        try:
            await events.admitted()
            extraction = (
                text
                if isinstance(text, Extraction)
                else self._extract(text, as_file, require_fence)
            )
            if extraction.code is None:
                raise NoCodeFound(extraction.problem or HOW_TO_FORMAT)
            state = await self._state(learner)
            lesson = await self._target(learner, state, lesson_id)
            await self._refuse_other_lessons_code(learner, state, lesson, extraction.code)
            verdict = await self._grade(learner, lesson, extraction.code, events)
            missing = missing_name(verdict)
            if missing is not None:
                await self._refuse_other_lessons_code(
                    learner, state, lesson, extraction.code, missing
                )
            return await self._record(learner, lesson, extraction.code, verdict)
        finally:
            self._grading.discard(key)
            await self._release_lease(key)

    @staticmethod
    def _extract(text: str, as_file: bool, require_fence: bool) -> Extraction:
        text = valid_unicode(text)
        return (
            extract_from_file(text) if as_file else extract_code(text, require_fence=require_fence)
        )

    async def _release_lease(self, key: tuple[str, str]) -> None:
        try:
            # Shielded: a cancelled submission still gives its lease back.
            await asyncio.shield(self.store.release_grading(*key, self._lease_holder))
        except Exception:
            # Not the learner's problem: the lease runs out on its own.
            log.exception("could not release the grading lease of %s/%s", *key)

    async def _refuse_other_lessons_code(
        self,
        learner: Learner,
        state: _State,
        lesson: Lesson,
        code: str,
        missing: str | None = None,
    ) -> None:
        """Raise WrongLesson, before anything is recorded, when the code is for another open
        lesson (`missing`: the name its run stopped on, if it stopped on a NameError).

        Telling the lessons apart generates each open lesson's data once (seed 0): trusted
        lesson code, so it runs on the grader's threads with a deadline like grading does."""
        seed = 0
        try:
            other = await trusted_step(
                lambda: lesson_for_code(self.course, lesson, state.unlocked, code, missing=missing),
                "generating the data to tell which open lesson the code is for",
                lesson,
                seed,
                self.deadlines,
            )
        except GradingError as exc:
            raise self._grader_problem(learner, lesson, seed, exc) from exc
        if other is None:
            return
        next_up = next(
            (
                x
                for x in self.course.lessons
                if x.id in state.unlocked and not state.of(x).completed
            ),
            None,
        )
        raise WrongLesson(other, lesson, is_next=other is next_up)

    async def _grade(
        self, learner: Learner, lesson: Lesson, code: str, events: SubmissionEvents
    ) -> Verdict:
        """The verdict; when the lesson's own code fails us, a GraderProblem instead, with
        the lesson and seed logged so the failure can be replayed (`grade --seed`)."""
        seed = fresh_seed()
        try:
            return await grade_submission(
                lesson,
                code,
                self.sandbox,
                seed=seed,
                deadlines=self.deadlines,
                on_queued=events.queued,
            )
        except GradingError as exc:
            raise self._grader_problem(learner, lesson, seed, exc) from exc

    def _grader_problem(
        self, learner: Learner, lesson: Lesson, seed: int, exc: GradingError
    ) -> GraderProblem:
        """Log the lesson's failure under a fresh error id, for the learner to quote."""
        error_id = secrets.token_hex(4)
        log.error(
            "grader problem %s: lesson=%s seed=%d learner=%s/%s: %s",
            error_id,
            lesson.id,
            seed,
            learner.scope,
            learner.user_id,
            exc,
            exc_info=exc.__cause__ is not None,
        )
        return GraderProblem(error_id)

    async def _record(
        self, learner: Learner, lesson: Lesson, code: str, verdict: Verdict
    ) -> SubmissionOutcome:
        following = lesson_after(self.course, lesson)
        result = await self.store.record_attempt(
            learner.scope,
            learner.user_id,
            NewAttempt(
                lesson_id=lesson.id,
                status=verdict.status,
                passed=verdict.passed,
                counts_as_failure=verdict.status not in _NOT_A_FAILURE,
                code=code,
                checks=[check.to_json() for check in verdict.checks],
                metrics=dict(verdict.metrics),
            ),
            unlock=following.id if verdict.passed and following is not None else None,
        )
        course_completed = False
        if result.newly_completed:
            progress = await self.store.progress(learner.scope, learner.user_id)
            course_completed = all(
                progress.get(item.id, LessonProgress(item.id)).completed
                for item in self.course.lessons
            )
        log.info(
            "graded %s/%s lesson=%s status=%s attempt=%d",
            learner.scope,
            learner.user_id,
            lesson.id,
            verdict.status,
            result.attempt_id,
        )
        return SubmissionOutcome(
            verdict=verdict,
            lesson=lesson,
            unlocked=following if result.newly_unlocked else None,
            course_completed=course_completed,
            attempt_id=result.attempt_id,
            newly_completed=result.newly_completed,
        )

    # Help

    async def hint(self, learner: Learner, lesson_id: str | None = None) -> HintView:
        """The next hint tier for the lesson; asking past the last repeats the last."""
        state = await self._state(learner)
        lesson = await self._target(learner, state, lesson_id)
        if not lesson.hints:
            raise NoHints(lesson)
        tier = await self.store.reveal_hint(
            learner.scope, learner.user_id, lesson.id, len(lesson.hints)
        )
        return HintView(
            lesson=lesson, text=lesson.hints[tier - 1], tier=tier, tiers=len(lesson.hints)
        )

    async def solution_view(self, learner: Learner, lesson_id: str | None = None) -> SolutionView:
        """The reference solution, once the lesson is passed or after enough failed tries."""
        state = await self._state(learner)
        lesson = await self._target(learner, state, lesson_id)
        mine = state.of(lesson)
        if not self._solution_available(state, mine):
            if state.solution_after_failures == 0:
                raise SolutionNotAvailable(
                    f"The solution to lesson {lesson.number} opens once you pass it. "
                    "A hint might get you there."
                )
            left = state.solution_after_failures - mine.failures
            tries = "attempt" if left == 1 else "attempts"
            raise SolutionNotAvailable(
                f"The solution to lesson {lesson.number} opens once you pass it, or after "
                f"{left} more failed {tries}. A hint might get you there first."
            )
        await self.store.record_solution_shown(learner.scope, learner.user_id, lesson.id)
        return SolutionView(lesson=lesson, code=lesson.solution)

    # Standing

    async def progress(self, learner: Learner) -> ProgressView:
        state = await self._state(learner)
        rank = await self.store.rank_of(learner.scope, learner.user_id)
        return ProgressView(
            learner=learner,
            lessons=[self._status(state, lesson) for lesson in self.course.lessons],
            current=self._current(state),
            rank=rank,
        )

    async def leaderboard(self, scope: str, page: int = 0, page_size: int = 10) -> LeaderboardPage:
        page_size = min(max(1, page_size), MAX_PAGE_SIZE)
        page = max(0, page)
        board = await self.store.leaderboard(scope, page * page_size, page_size)
        return LeaderboardPage(scope, page, page_size, board.total, board.rows)

    # Helpers

    async def _state(self, learner: Learner) -> _State:
        record = await self.store.ensure_learner(
            learner.scope, learner.user_id, learner.display_name
        )
        progress = await self.store.progress(learner.scope, learner.user_id)
        config = await self.configs.get(learner.scope)
        return _State(
            record,
            progress,
            unlocked_ids(self.course, progress),
            config.solution_threshold(self._solution_after_failures),
        )

    def _open_lesson(self, state: _State, reference: str) -> Lesson:
        lesson = self.course.find(reference)
        if lesson is None:
            raise UnknownLesson(reference, len(self.course))
        if lesson.id not in state.unlocked:
            raise LessonLocked(lesson, lesson_before(self.course, lesson))
        return lesson

    def _current(self, state: _State) -> Lesson | None:
        current_id = state.record.current_lesson_id
        if current_id is None:
            return None
        lesson = self.course.find(current_id)
        return lesson if lesson is not None and lesson.id in state.unlocked else None

    async def _target(self, learner: Learner, state: _State, lesson_id: str | None) -> Lesson:
        """The named lesson if open; else the current one; else the next one to do."""
        if lesson_id is not None:
            return self._open_lesson(state, lesson_id)
        current = self._current(state)
        if current is not None:
            return current
        view = await self.next_lesson(learner)
        # With the course complete and no current lesson, the last lesson is the target.
        return view.lesson or self.course.lessons[-1]

    def _solution_available(self, state: _State, mine: LessonProgress) -> bool:
        threshold = state.solution_after_failures
        return mine.completed or (threshold > 0 and mine.failures >= threshold)

    def _status(self, state: _State, lesson: Lesson) -> LessonStatus:
        mine = state.of(lesson)
        return LessonStatus(
            lesson=lesson,
            unlocked=lesson.id in state.unlocked,
            completed=mine.completed,
            attempts=mine.attempts,
            completed_at=mine.completed_at,
            hints_shown=mine.hints_shown,
        )

    def _view(self, state: _State, lesson: Lesson) -> LessonView:
        mine = state.of(lesson)
        return LessonView(
            lesson=lesson,
            total_lessons=len(self.course),
            completed=mine.completed,
            attempts=mine.attempts,
            hints_shown=mine.hints_shown,
            solution_available=self._solution_available(state, mine),
        )
