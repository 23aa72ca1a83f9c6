"""The single error path: learner-caused errors read plainly, ours get a logged error id."""

from __future__ import annotations

import logging

import pytest
from discord import app_commands

from bot.core import AlreadyGrading, CoolingDown
from bot.core.cooldown import SubmissionCooldown
from bot.discord_app.errors import explain
from cogs.submissions.reply_index import ReplyIndex


def test_a_tutor_error_is_shown_as_its_message() -> None:
    explanation = explain(AlreadyGrading())
    assert explanation.message == AlreadyGrading().message and explanation.error_id is None


def test_our_own_failure_is_logged_with_the_id_the_learner_sees(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        try:
            raise RuntimeError("database on fire")
        except RuntimeError as error:
            explanation = explain(error)
    assert explanation.error_id is not None
    assert explanation.error_id in explanation.message
    assert "database on fire" not in explanation.message
    record = next(r for r in caplog.records if explanation.error_id in r.getMessage())
    assert record.exc_info is not None and "database on fire" in str(record.exc_info[1])


def test_cooldown_and_permission_errors_are_friendly() -> None:
    assert "in 3 s" in explain(CoolingDown(2.6)).message
    missing = app_commands.MissingPermissions(["manage_guild"])
    assert explain(missing).message == "You don't have permission to use that command."


def test_the_cooldown_refuses_a_second_submission_inside_the_window() -> None:
    cooldown = SubmissionCooldown(60.0)
    cooldown.begin(("guild:1", "42"))
    with pytest.raises(CoolingDown):
        cooldown.begin(("guild:1", "42"))
    assert 59.0 < cooldown.remaining(("guild:1", "42")) <= 60.0
    assert cooldown.remaining(("guild:1", "43")) == 0.0
    cooldown.begin(("guild:1", "43"))  # someone else is not affected
    SubmissionCooldown(0.0).begin(("guild:1", "42"))


def test_reply_index_forgets_replies_after_the_edit_window() -> None:
    index = ReplyIndex(window_s=60.0, capacity=2)
    index.remember(1, 101)
    assert index.reply_to(1) == 101
    index.remember(2, 102)
    index.remember(3, 103)  # over capacity: the oldest goes
    assert index.reply_to(1) is None and index.reply_to(3) == 103
    now = [1000.0]
    timed = ReplyIndex(window_s=300.0, clock=lambda: now[0])
    timed.remember(1, 101)
    now[0] += 299.0
    assert timed.reply_to(1) == 101
    now[0] += 2.0
    assert timed.reply_to(1) is None
