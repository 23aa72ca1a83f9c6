"""The moderators' side of `TutorCore`: reports, resets, unlocks, exports, the funnel, the
audit log and the per-community settings.

A mixin so that front ends have one way into the core (`TutorCore` methods) while the work
stays in `Moderation` and `ScopeConfigs`, each with its own job.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.export import UsernameLookup
from bot.core.learner import Learner
from bot.core.moderation import Moderation
from bot.core.moderation_views import FunnelView, LearnerReport, ResetPlan, UnlockOutcome
from bot.core.scope_config import ScopeConfig, ScopeConfigs, SettingKey
from bot.store import AuditEntry
from lessons import Course, Lesson


class StaffTools:
    course: Course
    moderation: Moderation
    configs: ScopeConfigs

    # The course, as front ends need to name its lessons

    @property
    def lessons(self) -> Sequence[Lesson]:
        return self.course.lessons

    def find_lesson(self, reference: str) -> Lesson | None:
        """A lesson by id or 1-based number; None when there is none (e.g. since removed)."""
        return self.course.find(reference)

    def lesson_named(self, reference: str) -> Lesson:
        """Like `find_lesson`, but UnknownLesson (a message for the moderator) when none."""
        return self.moderation.lesson(reference)

    # Moderation (every change is audited with its `actor`)

    async def learner_report(self, scope: str, user_id: str) -> LearnerReport | None:
        return await self.moderation.learner_report(scope, user_id)

    async def reset_plan(self, scope: str, user_id: str, lesson_ref: str | None) -> ResetPlan:
        return await self.moderation.reset_plan(scope, user_id, lesson_ref)

    async def reset(
        self, scope: str, user_id: str, lesson_ref: str | None = None, *, actor: str
    ) -> bool:
        """Forget a learner's progress in a scope, or one lesson's; True when there was any."""
        return await self.moderation.reset(scope, user_id, lesson_ref, actor=actor)

    async def unlock(self, learner: Learner, lesson_ref: str, *, actor: str) -> UnlockOutcome:
        return await self.moderation.unlock(learner, lesson_ref, actor=actor)

    async def export_csv(self, scope: str, usernames: UsernameLookup | None = None) -> str:
        return await self.moderation.export_csv(scope, usernames)

    async def funnel(self, scope: str) -> FunnelView:
        return await self.moderation.funnel(scope)

    async def audit_log(self, scope: str, limit: int = 20) -> list[AuditEntry]:
        return await self.moderation.audit_log(scope, limit)

    # Per-community settings

    async def config(self, scope: str) -> ScopeConfig:
        return await self.configs.get(scope)

    async def add_lesson_channel(self, scope: str, channel_id: int, *, actor: str) -> bool:
        return await self.configs.add_lesson_channel(scope, channel_id, actor=actor)

    async def remove_lesson_channel(self, scope: str, channel_id: int, *, actor: str) -> bool:
        return await self.configs.remove_lesson_channel(scope, channel_id, actor=actor)

    async def set_role_or_channel(
        self, scope: str, key: SettingKey, object_id: int | None, *, actor: str
    ) -> None:
        await self.configs.set_role_or_channel(scope, key, object_id, actor=actor)

    async def set_solution_policy(
        self, scope: str, after_failures: int | None, *, actor: str
    ) -> None:
        await self.configs.set_solution_policy(scope, after_failures, actor=actor)

    async def note_problem(self, scope: str, key: SettingKey, problem: str | None) -> None:
        """Why delivering a completion role or announcement failed (None: it works again)."""
        await self.configs.note_problem(scope, key, problem)
