"""The tutor core: lessons, submissions, hints and progress, for any front end.

Usage::

    core = TutorCore(store, sandbox, course, solution_after_failures=3)
    view = await core.next_lesson(Learner("guild:1", "42", "Ada"))
    outcome = await core.submit(learner, message_text, require_fence=True)

Moderators' tools and per-community settings are methods of the same core (front ends call
`TutorCore` methods only; see `bot/core/staff_tools.py`)::

    report = await core.learner_report("guild:1", "42")
    await core.unlock(learner, "4", actor="mod 7")                # audited
    csv_text = await core.export_csv("guild:1")
    funnel = await core.funnel("guild:1")
    config = await core.config("guild:1")                         # ScopeConfig, cached
    await core.add_lesson_channel("guild:1", 123, actor="mod 7")

Every error a learner can cause is a `TutorError` whose `.message` is ready to show.
"""

from bot.core.errors import (
    AlreadyGrading,
    CoolingDown,
    GraderProblem,
    LessonLocked,
    NoCodeFound,
    NoHints,
    SettingRefused,
    ShuttingDown,
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
from bot.core.submission_events import SubmissionEvents
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
    "CoolingDown",
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
    "ShuttingDown",
    "SolutionNotAvailable",
    "SolutionView",
    "SubmissionEvents",
    "SubmissionOutcome",
    "TutorCore",
    "TutorError",
    "UnknownLesson",
    "UnlockOutcome",
    "WrongLesson",
    "guild_scope",
]
