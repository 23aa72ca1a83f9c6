"""Moderator embeds stay within Discord's limits however long the names, checks and
courses get, and say what a moderator needs to read."""

from __future__ import annotations

import discord

from bot.core import FunnelView, LearnerReport, LessonFunnel, LessonStatus, ScopeConfig
from bot.core.views import LeaderboardPage
from bot.discord_app.rendering import limits
from bot.store import AttemptRecord, AuditEntry, LeaderboardRow, LearnerRecord
from cogs.leaderboard.rendering import leaderboard_embed
from cogs.moderation.audit_rendering import audit_embed
from cogs.moderation.rendering import attempt_line, funnel_embed, learner_embed
from cogs.settings.rendering import config_embed
from lessons import load_course

COURSE = load_course()
LONG = "x" * 300


def within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert 0 < len(field.value or "") <= limits.EMBED_FIELD_VALUE
    assert len(embed) <= limits.EMBED_TOTAL_PER_MESSAGE


def test_leaderboard_rows_show_rank_learner_lessons_current_attempts_activity() -> None:
    rows = [
        LeaderboardRow(
            i + 1,
            str(1000 + i),
            "*star* __under__" if i == 1 else LONG,
            7 - i % 3,
            40 + i if i else 1,
            1_700_000_000.0 + i,
            COURSE.lessons[2].id,
            1_700_000_500.0 + i,
        )
        for i in range(10)
    ]
    board = LeaderboardPage("guild:1", page=1, page_size=10, total=25, entries=rows)
    titles = {lesson.id: f"{lesson.number}. {lesson.title}" for lesson in COURSE}
    embed = leaderboard_embed(board, titles)
    within_limits(embed)
    first, second = (embed.description or "").splitlines()[:2]
    # Every lesson passed: finished, not "now on" one; one attempt, not "1 attempts"; the
    # name beside the mention, for clients that show it as @unknown-user.
    assert first == (
        f"**1.** <@1000> ({'x' * 31}…) · 7 lessons · 🎓 finished the course · 1 attempt"
        " · active <t:1700000500:R>"
    )
    assert second == (
        r"**2.** <@1001> (\*star\* \_\_under\_\_) · 6 lessons · "
        f"now on 3. {COURSE.lessons[2].title} · 41 attempts · active <t:1700000501:R>"
    )
    assert (embed.footer.text or "").startswith("Page 2 of 3 · 25 learners ranked")


def test_an_empty_leaderboard_says_so() -> None:
    embed = leaderboard_embed(LeaderboardPage("guild:1", 0, 10, 0, []), {})
    assert embed.description == "Nobody has passed a lesson here yet."


def attempt(i: int, checks: int) -> AttemptRecord:
    failed = [
        {"name": f"check-{n}-{LONG[:40]}", "passed": False, "message": ""} for n in range(checks)
    ]
    return AttemptRecord(
        i, COURSE.lessons[0].id, 1_700_000_000.0, "failed", False, failed, {}, "x = 1\n", False
    )


def test_a_learner_with_many_long_attempts_fits_one_embed() -> None:
    statuses = [LessonStatus(lesson, True, False, 99, hints_shown=3) for lesson in COURSE]
    report = LearnerReport(
        LearnerRecord("guild:1", "1", LONG), statuses, [attempt(i, 12) for i in range(25)], 1.0
    )
    embed = learner_embed(report, "<@1>", len(COURSE))
    within_limits(embed)
    assert (embed.footer.text or "") == "The last submitted code is attached."


def test_an_attempt_line_names_the_failed_checks() -> None:
    record = AttemptRecord(
        7,
        "how-models-learn",
        1_700_000_000.0,
        "failed",
        False,
        [
            {"name": "mse-value", "passed": False, "message": ""},
            {"name": "gradient", "passed": True, "message": ""},
            {"name": "step", "passed": None, "message": "can't check until ..."},
        ],
        {},
        "",
        False,
    )
    line = attempt_line(record, {"how-models-learn": 4})
    assert line == "❌ lesson 4 · failed · failed: `mse-value` · <t:1700000000:R>"


def test_a_long_course_funnel_fits_and_points_at_the_chart() -> None:
    rows = [
        LessonFunnel(lesson, 10_000, 9_000, 900, top_failing_check=LONG[:60], top_failing_count=5)
        for lesson in COURSE.lessons * 6
    ]
    embed = funnel_embed(FunnelView("guild:1", 10_000, 12, rows), "funnel.png")
    within_limits(embed)
    assert embed.image.url == "attachment://funnel.png"


def test_config_names_roles_channels_and_the_policy() -> None:
    config = ScopeConfig(("1", "2"), "3", 0, None, "4")
    embed = config_embed(config, default_after_failures=3)
    within_limits(embed)
    values = {field.name: field.value for field in embed.fields}
    assert values == {
        "Lesson channels": "<#1>, <#2>",
        "Moderator role": "<@&3>",
        "Solutions": "solutions open only after passing the lesson",
        "Completion role": "none",
        "Completion announcements": "<#4>",
    }
    default = {f.name: f.value for f in config_embed(ScopeConfig(), 3).fields}
    assert default["Lesson channels"] == "every channel"
    assert default["Solutions"] == (
        "solutions open after passing, or after 3 failed attempts (the bot's default)"
    )


def test_a_learner_title_escapes_markdown_and_counts_read_in_the_singular() -> None:
    statuses = [LessonStatus(COURSE.lessons[0], True, False, 1, hints_shown=1)] + [
        LessonStatus(lesson, False, False, 0) for lesson in COURSE.lessons[1:]
    ]
    report = LearnerReport(
        LearnerRecord("guild:1", "1", "*star* __under__ @everyone"), statuses, [], None
    )
    embed = learner_embed(report, "<@1>", len(COURSE))
    assert embed.title is not None
    assert embed.title.startswith(r"Learner \*star\* \_\_under\_\_ @")
    assert "@everyone" not in embed.title  # broken up, never a mention
    lessons = embed.fields[0].value or ""
    assert lessons.splitlines()[0] == f"🔓 1. {COURSE.lessons[0].title} · 1 attempt · 1 hint"


def entry(action: str, detail: str = "", **fields: str | None) -> AuditEntry:
    return AuditEntry(
        1,
        "guild:1",
        fields.get("actor") or "1300000000000000001 (mod_ann)",
        action,
        fields.get("user_id"),
        fields.get("lesson_id"),
        detail,
        1_700_000_000.0,
    )


def test_the_audit_log_reads_as_words_with_mentions_and_lesson_titles() -> None:
    first = COURSE.lessons[0]
    entries = [
        entry("config", 'moderator_role = "1300000000000000555"'),
        entry("config", "solution_after_failures removed"),
        entry("config", "solution_after_failures = 3"),
        entry("config", 'lesson_channels = ["11", "12"]'),
        entry("config", "announcement_channel removed"),
        entry("reset", user_id="42", lesson_id=first.id),
        entry("unlock", "already unlocked", user_id="42", lesson_id="gone-lesson"),
        entry("config", 'completion_role_problem = "I don\'t have Manage Roles."', actor="the bot"),
    ]
    lines = (audit_embed(entries, COURSE.find).description or "").splitlines()
    by = "by <@1300000000000000001> (mod\\_ann)"
    assert lines[0] == f"<t:1700000000:f> · **moderator role** → <@&1300000000000000555> · {by}"
    assert lines[1] == f"<t:1700000000:f> · **solution policy** → back to the default · {by}"
    assert "solutions open after passing, or after 3 failed attempts" in lines[2]
    assert "**lesson channels** → <#11>, <#12>" in lines[3]
    assert "**completion announcements** → off" in lines[4]
    assert lines[5] == f"<t:1700000000:f> · **reset** <@42> · lesson 1 ({first.title}) · {by}"
    assert "lesson `gone-lesson` · already unlocked" in lines[6]  # since removed from the course
    assert lines[7] == (
        "<t:1700000000:f> · **⚠️ the completion role could not be given**: "
        "I don't have Manage Roles. · by the bot"
    )
    assert "_" not in "".join(line.split("(")[0] for line in lines[:5])  # no internal keys
