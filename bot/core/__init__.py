"""The tutor core: lessons, submissions, hints and progress, for any front end.

Usage::

    core = TutorCore(store, sandbox, course, solution_after_failures=3)
    view = await core.next_lesson(Learner("guild:1", "42", "Ada"))
    outcome = await core.submit(learner, message_text, require_fence=True)

Moderators' tools and per-community settings hang off the same core::

    report = await core.moderation.learner_report("guild:1", "42")
    await core.moderation.unlock(learner, "4", actor="mod 7")     # audited
    csv_text = await core.moderation.export_csv("guild:1")
    funnel = await core.moderation.funnel("guild:1")
    config = await core.config("guild:1")                         # ScopeConfig, cached
    await core.configs.add_lesson_channel("guild:1", 123, actor="mod 7")

Every error a learner can cause is a `TutorError` whose `.message` is ready to show.
"""

from bot.core.errors import (
    AlreadyGrading,
    GraderProblem,
    LessonLocked,
    NoCodeFound,
    NoHints,
    SettingRefused,
    SolutionNotAvailable,
    TutorError,
    UnknownLesson,
    WrongLesson,
)
from bot.core.learner import DM_SCOPE, LOCAL_SCOPE, Learner, guild_scope
from bot.core.moderation import Moderation
from bot.core.moderation_views import FunnelView, LearnerReport, LessonFunnel, UnlockOutcome
from bot.core.scope_config import ScopeConfig, ScopeConfigs
from bot.core.service import TutorCore
from bot.core.views import (
    HintView,
    LeaderboardEntry,
    LeaderboardPage,
    LessonStatus,
    LessonView,
    ProgressView,
    SolutionView,
    SubmissionOutcome,
)

__all__ = [
    "DM_SCOPE",
    "LOCAL_SCOPE",
    "AlreadyGrading",
    "FunnelView",
    "GraderProblem",
    "HintView",
    "LeaderboardEntry",
    "LeaderboardPage",
    "Learner",
    "LearnerReport",
    "LessonFunnel",
    "LessonLocked",
    "LessonStatus",
    "LessonView",
    "Moderation",
    "NoCodeFound",
    "NoHints",
    "ProgressView",
    "ScopeConfig",
    "ScopeConfigs",
    "SettingRefused",
    "SolutionNotAvailable",
    "SolutionView",
    "SubmissionOutcome",
    "TutorCore",
    "TutorError",
    "UnknownLesson",
    "UnlockOutcome",
    "WrongLesson",
    "guild_scope",
]
