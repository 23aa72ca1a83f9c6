"""The moderator side of the core, on the real course and sandbox: learner reports, audited
resets and unlocks, the CSV export, the funnel, and per-scope configuration."""

from __future__ import annotations

import csv
import io

import pytest

from bot.core import Learner, SolutionNotAvailable, TutorCore, UnknownLesson
from bot.core.export import COLUMNS, export_file_name
from bot.core.scope_config import LESSON_CHANNELS, MODERATOR_ROLE, ScopeConfig, SettingKey
from lessons import load_course

COURSE = load_course()
FIRST, SECOND, THIRD = COURSE.lessons[:3]
ADA = Learner("guild:1", "ada", "Ada")
BOB = Learner("guild:1", "bob", "=Bob")  # a formula-looking name, for the CSV
MOD = "mod:99"


async def test_learner_report_shows_standing_attempts_and_last_code(core: TutorCore) -> None:
    assert await core.moderation.learner_report("guild:1", "ada") is None
    await core.submit(ADA, FIRST.solution, FIRST.id)
    await core.submit(ADA, SECOND.fixtures[0].code, SECOND.id)
    report = await core.moderation.learner_report("guild:1", "ada")
    assert report is not None
    assert report.completed == 1
    assert [(s.unlocked, s.completed) for s in report.lessons[:3]] == [
        (True, True),
        (True, False),
        (False, False),
    ]
    newest, oldest = report.attempts
    assert (newest.lesson_id, newest.passed, oldest.lesson_id) == (SECOND.id, False, FIRST.id)
    assert SECOND.fixtures[0].fails in [c["name"] for c in newest.checks if c["passed"] is False]
    assert report.last_code is newest and newest.code == SECOND.fixtures[0].code
    assert report.last_active_at == newest.created_at


async def test_unlock_opens_exactly_that_lesson_and_is_audited(core: TutorCore) -> None:
    outcome = await core.moderation.unlock(ADA, str(THIRD.number), actor=MOD)
    assert outcome.lesson is THIRD and outcome.changed
    assert not (await core.moderation.unlock(ADA, THIRD.id, actor=MOD)).changed
    view = await core.show_lesson(ADA, THIRD.id)  # no LessonLocked any more
    assert view.lesson is THIRD
    statuses = await core.list_lessons(ADA)
    assert [s.unlocked for s in statuses[:3]] == [True, False, True]
    log = await core.moderation.audit_log("guild:1")
    assert [(e.action, e.user_id, e.lesson_id, e.actor) for e in log] == [
        ("unlock", "ada", THIRD.id, MOD),
        ("unlock", "ada", THIRD.id, MOD),
    ]
    with pytest.raises(UnknownLesson):
        await core.moderation.unlock(ADA, "99", actor=MOD)


async def test_reset_one_lesson_is_audited_and_locks_what_it_opened(core: TutorCore) -> None:
    await core.submit(ADA, FIRST.solution, FIRST.id)
    assert await core.moderation.reset("guild:1", "ada", FIRST.id, actor=MOD)
    statuses = await core.list_lessons(ADA)
    assert not statuses[0].completed
    # The unlock of lesson 2 was earned and stored, so it stays open.
    assert statuses[1].unlocked
    (entry,) = await core.moderation.audit_log("guild:1", user_id="ada")
    assert (entry.action, entry.lesson_id, entry.actor) == ("reset", FIRST.id, MOD)


async def test_export_csv_parses_and_matches_the_store(core: TutorCore) -> None:
    await core.submit(ADA, FIRST.solution, FIRST.id)
    await core.submit(BOB, FIRST.fixtures[0].code, FIRST.id)
    await core.hint(BOB, FIRST.id)
    rows = list(csv.DictReader(io.StringIO(await core.moderation.export_csv("guild:1"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 2 * len(COURSE)
    by_key = {(r["user_id"], r["lesson_id"]): r for r in rows}
    ada_first = by_key[("ada", FIRST.id)]
    assert (ada_first["status"], ada_first["attempts"]) == ("passed", "1")
    assert ada_first["failures"] == "0"
    assert ada_first["completed_at"].endswith("+00:00")
    assert by_key[("ada", SECOND.id)]["status"] == "open"
    assert by_key[("ada", THIRD.id)]["status"] == "locked"
    # Lesson 1 is open by rule: it opened when they first used the course.
    assert ada_first["unlocked_at"].endswith("+00:00")
    assert by_key[("ada", SECOND.id)]["unlocked_at"].endswith("+00:00")  # earned
    assert by_key[("ada", THIRD.id)]["unlocked_at"] == ""  # still locked
    assert (
        ada_first["learner_last_active_at"] == by_key[("ada", THIRD.id)]["learner_last_active_at"]
    )
    assert ada_first["username"] == ""  # the core alone knows no account names
    bob_first = by_key[("bob", FIRST.id)]
    assert (bob_first["status"], bob_first["failures"], bob_first["hints_shown"]) == (
        "open",
        "1",
        "1",
    )
    assert bob_first["display_name"] == "'=Bob"
    assert "guild:2" not in await core.moderation.export_csv("guild:2")


async def test_export_writes_discord_ids_as_text_and_names_accounts(core: TutorCore) -> None:
    snowflake = "1300000000000000123"
    await core.submit(Learner("guild:1", snowflake, "Ann"), FIRST.solution, FIRST.id)

    async def usernames(ids: list[str]) -> dict[str, str]:
        return {user_id: "ann_01" for user_id in ids if user_id == snowflake}

    text = await core.moderation.export_csv("guild:1", usernames)
    row = next(csv.DictReader(io.StringIO(text)))
    # As a number a spreadsheet keeps 15 digits (1.3E+18); ="…" makes it text.
    assert row["user_id"] == f'="{snowflake}"' and row["username"] == "ann_01"


def test_export_file_name_carries_the_server_and_the_day() -> None:
    assert (
        export_file_name("Gradient Tutor: Test/Server!", 1_764_547_200.0)
        == "gradient-tutor-progress-gradient-tutor-test-server-2025-12-01.csv"
    )
    assert export_file_name("🎓🎓", 0.0) == "gradient-tutor-progress-server-1970-01-01.csv"


async def test_funnel_counts_reached_passed_stuck_and_the_top_failing_check(
    core: TutorCore,
) -> None:
    wrong = FIRST.fixtures[0]
    await core.submit(ADA, FIRST.solution, FIRST.id)
    await core.submit(BOB, wrong.code, FIRST.id)
    await core.submit(BOB, wrong.code, FIRST.id)
    await core.progress(Learner("guild:1", "cy", "Cy"))  # seen, never submitted
    funnel = await core.moderation.funnel("guild:1")
    assert (funnel.learners, funnel.finished) == (3, 0)
    first, second, third = funnel.lessons[:3]
    assert (first.reached, first.passed, first.stuck) == (3, 1, 1)
    assert (first.top_failing_check, first.top_failing_count) == (wrong.fails, 2)
    assert (second.reached, second.passed, second.stuck) == (1, 0, 0)
    assert second.top_failing_check is None
    assert third.reached == 0


async def test_scope_solution_policy_overrides_the_default(core: TutorCore) -> None:
    wrong = FIRST.fixtures[0].code
    for _ in range(2):
        await core.submit(ADA, wrong, FIRST.id)
    assert (await core.solution_view(ADA, FIRST.id)).code == FIRST.solution  # default: 2
    await core.configs.set_solution_policy("guild:1", 0, actor=MOD)
    with pytest.raises(SolutionNotAvailable) as refused:
        await core.solution_view(ADA, FIRST.id)
    assert "once you pass it." in refused.value.message
    await core.configs.set_solution_policy("guild:1", 5, actor=MOD)
    with pytest.raises(SolutionNotAvailable, match="3 more failed attempts"):
        await core.solution_view(ADA, FIRST.id)
    await core.configs.set_solution_policy("guild:1", None, actor=MOD)
    assert (await core.solution_view(ADA, FIRST.id)).code == FIRST.solution
    with pytest.raises(ValueError):
        await core.configs.set_solution_policy("guild:1", -1, actor=MOD)
    actions = [e.detail for e in await core.moderation.audit_log("guild:1")]
    assert actions[0] == "solution_after_failures removed"
    assert "solution_after_failures = 0" in actions


async def test_lesson_channels_add_remove_and_moderator_role(core: TutorCore) -> None:
    configs = core.configs
    assert (await core.config("guild:1")).is_lesson_channel(5)  # none set: every channel
    assert await configs.add_lesson_channel("guild:1", 10, actor=MOD)
    assert not await configs.add_lesson_channel("guild:1", "10", actor=MOD)
    assert await configs.add_lesson_channel("guild:1", 11, actor=MOD)
    config = await core.config("guild:1")
    assert config.lesson_channels == ("10", "11")
    assert config.is_lesson_channel(11) and config.is_lesson_channel(99, parent_id=10)
    assert not config.is_lesson_channel(5)
    assert await core.configs.raw("guild:1") == {LESSON_CHANNELS: ["10", "11"]}
    assert await configs.remove_lesson_channel("guild:1", 10, actor=MOD)
    assert await configs.remove_lesson_channel("guild:1", 11, actor=MOD)
    assert not await configs.remove_lesson_channel("guild:1", 11, actor=MOD)
    assert (await core.config("guild:1")).lesson_channels == ()
    await configs.set_role_or_channel("guild:1", MODERATOR_ROLE, 77, actor=MOD)
    config = await core.config("guild:1")
    assert config.is_moderator([1, 77], manage_guild=False)
    assert not config.is_moderator([1], manage_guild=False)
    assert config.is_moderator([], manage_guild=True)
    assert (await core.config("guild:2")).moderator_role is None


def test_malformed_stored_values_read_as_unset() -> None:
    config = ScopeConfig.from_settings(
        {"lesson_channels": "oops", "moderator_role": True, "solution_after_failures": -3}
    )
    assert config == ScopeConfig()
    assert config.solution_threshold(3) == 3


async def test_a_setting_key_that_is_no_setting_is_refused_and_the_stored_keys_keep_their_names(
    core: TutorCore,
) -> None:
    with pytest.raises(ValueError):
        await core.configs.set("guild:1", "lesson_channel", ["1"])  # type: ignore[arg-type]
    await core.configs.set("guild:1", SettingKey.LESSON_CHANNELS, ["1"])
    assert await core.configs.raw("guild:1") == {"lesson_channels": ["1"]}
    assert {key.value for key in SettingKey} == {
        "lesson_channels", "moderator_role", "solution_after_failures", "completion_role",
        "announcement_channel", "completion_role_problem", "announcement_problem",
    }  # fmt: skip
