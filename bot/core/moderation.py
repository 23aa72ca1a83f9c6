"""What server staff do: look at a learner, reset or unlock lessons (audited), export the
scope's progress, see the course funnel and the audit log. Front-end agnostic, like the
rest of the core; the permission check itself belongs to the front end, which knows who
is asking (see `ScopeConfig.is_moderator`)."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Mapping
from typing import TextIO

from bot.core.errors import UnknownLesson
from bot.core.export import UsernameLookup, csv_header, csv_rows
from bot.core.funnel import FunnelTally
from bot.core.learner import Learner
from bot.core.moderation_views import FunnelView, LearnerReport, ResetPlan, UnlockOutcome
from bot.core.unlocking import unlocked_ids
from bot.core.views import LessonStatus
from bot.store import AuditEntry, LearnerProgress, LessonProgress, Store
from lessons import Course, Lesson

log = logging.getLogger(__name__)

MAX_REPORT_ATTEMPTS = 25


class Moderation:
    def __init__(self, store: Store, course: Course) -> None:
        self.store = store
        self.course = course

    def lesson(self, reference: str) -> Lesson:
        """By id or 1-based number; UnknownLesson otherwise."""
        lesson = self.course.find(reference)
        if lesson is None:
            raise UnknownLesson(reference, len(self.course))
        return lesson

    async def learner_report(
        self, scope: str, user_id: str, *, attempts: int = 10
    ) -> LearnerReport | None:
        """None for someone who has never used the course in this scope."""
        record = await self.store.get_learner(scope, user_id)
        if record is None:
            return None
        progress = await self.store.progress(scope, user_id)
        recent = await self.store.attempts(
            scope, user_id, limit=min(max(1, attempts), MAX_REPORT_ATTEMPTS)
        )
        opened = unlocked_ids(self.course, progress)
        lessons = []
        for lesson in self.course:
            mine = progress.get(lesson.id) or LessonProgress(lesson.id)
            lessons.append(
                LessonStatus(
                    lesson=lesson,
                    unlocked=lesson.id in opened,
                    completed=mine.completed,
                    attempts=mine.attempts,
                    completed_at=mine.completed_at,
                    hints_shown=mine.hints_shown,
                )
            )
        last_active = recent[0].created_at if recent else None
        return LearnerReport(record, lessons, recent, last_active)

    async def reset_plan(
        self, scope: str, user_id: str, lesson_ref: str | None = None
    ) -> ResetPlan:
        """What resetting would forget: whether there is anything, and which later lessons
        would stay open."""
        lesson = None if lesson_ref is None else self.lesson(lesson_ref)
        progress = await self.store.progress(scope, user_id)
        attempts = await self.store.attempts(
            scope, user_id, None if lesson is None else lesson.id, limit=1
        )
        if lesson is None:
            return ResetPlan(None, bool(progress or attempts))
        left = {key: value for key, value in progress.items() if key != lesson.id}
        opened = unlocked_ids(self.course, left)
        mine = progress.get(lesson.id)
        worked = mine is not None and bool(
            mine.attempts or mine.completed or mine.hints_shown or mine.solution_shown_at
        )
        # A stored unlock alone counts only when forgetting it would close the lesson.
        closes = lesson.id in unlocked_ids(self.course, progress) and lesson.id not in opened
        later = self.course.lessons[lesson.number :]
        return ResetPlan(
            lesson,
            worked or closes or bool(attempts),
            [other for other in later if other.id in opened],
        )

    async def reset(
        self, scope: str, user_id: str, lesson_ref: str | None = None, *, actor: str
    ) -> bool:
        """Forget a learner's progress in a scope, or one lesson's; audited with `actor`.
        False, and no audit entry, when there was nothing to forget."""
        target = None if lesson_ref is None else self.lesson(lesson_ref).id
        if not (await self.reset_plan(scope, user_id, target)).anything:
            return False
        changed = await self.store.reset(scope, user_id, target, actor)
        log.info("reset %s/%s lesson=%s by %s", scope, user_id, target, actor)
        return changed

    async def unlock(self, learner: Learner, lesson_ref: str, *, actor: str) -> UnlockOutcome:
        """Open a lesson for a learner (they may not have used the course yet); audited."""
        lesson = self.lesson(lesson_ref)
        await self.store.ensure_learner(learner.scope, learner.user_id, learner.display_name)
        changed = await self.store.unlock(learner.scope, learner.user_id, lesson.id, actor)
        log.info("unlock %s/%s lesson=%s by %s", learner.scope, learner.user_id, lesson.id, actor)
        return UnlockOutcome(lesson, changed)

    async def export_csv(self, scope: str, usernames: UsernameLookup | None = None) -> str:
        out = io.StringIO()
        await self.write_export(scope, out, usernames)
        return out.getvalue()

    async def write_export(
        self, scope: str, out: TextIO, usernames: UsernameLookup | None = None
    ) -> None:
        """The scope's CSV written to `out` batch by batch, streamed from the store: memory
        holds one batch of learners however large the community is. `usernames` looks up
        the learners' account names (the store keeps only the display name); those it can't
        find stay blank."""
        out.write(csv_header())
        async for batch in self.store.scope_progress_batches(scope):
            found: Mapping[str, str] = {}
            if usernames is not None and batch:
                found = await usernames([row.learner.user_id for row in batch])
            # Formatting (and writing, when `out` is a file) is the slow part: off the loop.
            await asyncio.to_thread(_write_rows, out, self.course, batch, found)

    async def funnel(self, scope: str) -> FunnelView:
        tally = FunnelTally(self.course)
        async for batch in self.store.scope_progress_batches(scope):
            await asyncio.to_thread(tally.add, batch)
        failing = await self.store.failing_checks(scope)
        return tally.view(scope, failing)

    async def audit_log(
        self, scope: str, limit: int = 20, user_id: str | None = None
    ) -> list[AuditEntry]:
        return await self.store.audit_log(scope, limit, user_id)


def _write_rows(
    out: TextIO, course: Course, batch: list[LearnerProgress], usernames: Mapping[str, str]
) -> None:
    out.write(csv_rows(course, batch, usernames.get))
