"""Moderators through the emulator: the leaderboard is theirs alone and pages through
learners; resets and unlocks ask first and are audited; the export matches the database."""

from __future__ import annotations

import csv
import io
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core import Learner, guild_scope
from bot.core.scope_config import MODERATOR_ROLE
from bot.discord_app.prompts import prompt_custom_id
from bot.store import NewAttempt, SqliteStore
from cogs.moderation.export_file import export_file
from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import (
    MEMBER_PERMISSIONS,
    Running,
    attachment_bytes,
    bot_on_emulator,
    button_ids,
)

COURSE = load_course()
EPHEMERAL = 1 << 6
NEXT, PREVIOUS = "leaderboard:next", "leaderboard:previous"


def prompt_button(running: Running, name: str) -> str:
    """A prompt button's custom id, as this run of the bot stamps it."""
    return prompt_custom_id(running.bot.session, name)


def scope_of(running: Running) -> str:
    return guild_scope(running.discord.guild_id)


async def seed_learners(running: Running, count: int) -> list[Json]:
    """`count` members who passed 1 to 3 lessons each, recorded straight in the store."""
    store = running.bot.core.store
    assert isinstance(store, SqliteStore)
    members = []
    for i in range(count):
        member = running.discord.add_member(f"learner{i:02d}")
        user_id = member["id"]
        await store.ensure_learner(scope_of(running), user_id, member["username"])
        for lesson, following in list(zip(COURSE.lessons, COURSE.lessons[1:], strict=False))[
            : i % 3 + 1
        ]:
            attempt = NewAttempt(lesson.id, "passed", True, False, lesson.solution)
            await store.record_attempt(scope_of(running), user_id, attempt, unlock=following.id)
        members.append(member)
    return members


def footer(message: Json) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def mentioned_ids(message: Json) -> list[str]:
    return [
        line.split("<@")[1].split(">")[0]
        for line in message["embeds"][0]["description"].splitlines()
    ]


async def test_a_non_moderator_is_refused_even_if_discord_lets_the_command_through(
    tmp_path: Path,
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        eve = running.discord.add_member("eve")
        # The emulator delivers the command whatever its default permissions say, as Discord
        # does when a server admin opened it to everyone in the Integrations settings.
        for path in ("leaderboard", "tutor export", "tutor audit"):
            asked = await running.discord.slash(eve, path, permissions=MEMBER_PERMISSIONS)
            refused = await running.discord.wait_for_callback(asked)
            assert refused["type"] == 4
            assert "for the server's moderators" in refused["data"]["content"]
            assert refused["data"]["flags"] & EPHEMERAL


async def test_the_moderator_role_is_enough_without_manage_server(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        role_id = await running.discord.add_role("tutors")
        await running.bot.core.configs.set(scope_of(running), MODERATOR_ROLE, str(role_id))
        tom = running.discord.add_member("tom")
        asked = await running.discord.slash(
            tom, "leaderboard", permissions=MEMBER_PERMISSIONS, roles=[role_id]
        )
        board = await running.discord.wait_for_response(asked)
        assert board["embeds"][0]["description"] == "Nobody has passed a lesson here yet."
        assert board["flags"] & EPHEMERAL


async def test_a_moderator_pages_through_25_learners(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        learners = await seed_learners(running, 25)
        mod, other = running.discord.add_member("mod"), running.discord.add_member("other")
        asked = await running.discord.slash(mod, "leaderboard")
        board = await running.discord.wait_for_response(asked)
        assert board["flags"] & EPHEMERAL
        assert footer(board).startswith("Page 1 of 3 · 25 learners ranked")
        assert button_ids(board) == [
            prompt_button(running, PREVIOUS),
            prompt_button(running, NEXT),
        ]
        seen = mentioned_ids(board)
        first_line = board["embeds"][0]["description"].splitlines()[0]
        assert first_line.startswith("**1.**") and "3 lessons" in first_line
        assert "now on —" in first_line and "active <t:" in first_line

        # Only the moderator who asked may turn the pages.
        stranger = await running.discord.click(other, board, prompt_button(running, NEXT))
        refusal = await running.discord.wait_for_callback(stranger)
        assert "belong to whoever asked" in refusal["data"]["content"]
        assert footer(board).startswith("Page 1 of 3")

        for page in (2, 3):
            turned = await running.discord.click(mod, board, prompt_button(running, NEXT))
            await running.discord.wait_for_callback(turned)
            assert footer(board).startswith(f"Page {page} of 3")
            seen += mentioned_ids(board)
        assert len(seen) == 25 and set(seen) == {m["id"] for m in learners}
        assert len(mentioned_ids(board)) == 5
        buttons = board["components"][0]["components"]
        assert [b.get("disabled", False) for b in buttons] == [False, True]  # last page

        back = await running.discord.click(mod, board, prompt_button(running, PREVIOUS))
        await running.discord.wait_for_callback(back)
        assert footer(board).startswith("Page 2 of 3")


async def test_leaderboard_can_be_public_and_its_buttons_time_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        # Patched in the module the running bot loaded (extensions are reloaded per bot).
        monkeypatch.setattr(sys.modules["cogs.leaderboard.pager"], "PAGER_TIMEOUT_S", 0.2)
        await seed_learners(running, 11)
        mod = running.discord.add_member("mod")
        board = await running.discord.wait_for_response(
            await running.discord.slash(mod, "leaderboard", public=True)
        )
        assert not board["flags"] & EPHEMERAL
        assert button_ids(board) == [
            prompt_button(running, PREVIOUS),
            prompt_button(running, NEXT),
        ]
        # After the timeout the buttons are removed rather than left dead.
        await running.discord.state.wait_until(lambda: board["components"] == [] or None, 30)
        assert footer(board).startswith("Page 1 of 2")


async def confirm_prompt(running: Running, mod: Json, path: str, **options: object) -> Json:
    asked = await running.discord.slash(mod, path, **options)
    prompt = await running.discord.wait_for_response(asked)
    assert button_ids(prompt) == [
        prompt_button(running, "confirm"),
        prompt_button(running, "cancel"),
    ]
    assert prompt["flags"] & EPHEMERAL
    return prompt


async def press(running: Running, member: Json, message: Json, custom_id: str) -> Json:
    pressed = await running.discord.click(member, message, prompt_button(running, custom_id))
    return await running.discord.wait_for_callback(pressed)


async def test_unlock_and_reset_ask_first_and_are_audited(tmp_path: Path) -> None:
    third = COURSE.lessons[2]
    async with bot_on_emulator(tmp_path) as running:
        core, scope = running.bot.core, scope_of(running)
        ann, mod, eve = (running.discord.add_member(n) for n in ("ann", "mod", "eve"))
        ann_learner = Learner(scope, ann["id"], "ann")

        prompt = await confirm_prompt(running, mod, "tutor unlock", member=ann, lesson="3")
        assert f"Unlock lesson 3 ({third.title})" in prompt["content"]
        assert await core.store.progress(scope, ann["id"]) == {}  # nothing yet
        await press(running, mod, prompt, "cancel")
        assert prompt["content"] == "Cancelled: nothing was changed." and prompt["components"] == []
        assert await core.moderation.audit_log(scope) == []

        prompt = await confirm_prompt(running, mod, "tutor unlock", member=ann, lesson=third.id)
        refused = await press(running, eve, prompt, "confirm")  # not the one who asked
        assert "Only the moderator who asked" in refused["data"]["content"]
        assert await core.moderation.audit_log(scope) == []
        await press(running, mod, prompt, "confirm")
        assert prompt["content"].startswith("Done: lesson 3 is open")
        statuses = await core.list_lessons(ann_learner)
        assert [s.unlocked for s in statuses[:3]] == [True, False, True]

        prompt = await confirm_prompt(running, mod, "tutor reset", member=ann)
        assert "Reset all progress" in prompt["content"]
        await press(running, mod, prompt, "confirm")
        assert prompt["content"].startswith("Done: all progress")
        assert await core.store.get_learner(scope, ann["id"]) is None

        log = await core.moderation.audit_log(scope)
        assert [(e.action, e.user_id, e.lesson_id) for e in log] == [
            ("reset", ann["id"], None),
            ("unlock", ann["id"], third.id),
        ]
        assert all(e.actor.startswith(f"{mod['id']} (mod)") for e in log)
        shown = await running.discord.wait_for_response(
            await running.discord.slash(mod, "tutor audit")
        )
        lines = shown["embeds"][0]["description"].splitlines()
        assert "**reset**" in lines[0] and "**unlock**" in lines[1]


async def test_an_unanswered_prompt_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        # Patched in the module the running bot loaded (extensions are reloaded per bot).
        monkeypatch.setattr(sys.modules["cogs.moderation.confirm"], "CONFIRM_TIMEOUT_S", 0.2)
        ann, mod = running.discord.add_member("ann"), running.discord.add_member("mod")
        prompt = await confirm_prompt(running, mod, "tutor unlock", member=ann, lesson="2")
        await running.discord.state.wait_until(lambda: prompt["components"] == [] or None, 30)
        assert prompt["content"] == "No answer in time: nothing was changed."
        assert await running.bot.core.moderation.audit_log(scope_of(running)) == []
        assert await running.bot.core.store.progress(scope_of(running), ann["id"]) == {}


async def test_a_lesson_typo_is_refused_before_any_prompt(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        ann, mod = running.discord.add_member("ann"), running.discord.add_member("mod")
        asked = await running.discord.slash(mod, "tutor unlock", member=ann, lesson="99")
        refused = await running.discord.wait_for_callback(asked)
        assert "There is no lesson called “99”" in refused["data"]["content"]


async def test_learner_report_has_attempts_and_the_last_code(tmp_path: Path) -> None:
    first = COURSE.lessons[0]
    wrong = first.fixtures[0]
    async with bot_on_emulator(tmp_path) as running:
        ann, mod = running.discord.add_member("ann"), running.discord.add_member("mod")
        nobody = await running.discord.wait_for_response(
            await running.discord.slash(mod, "tutor learner", member=ann)
        )
        assert "has not used the course" in nobody["content"]
        await running.bot.core.submit(Learner(scope_of(running), ann["id"], "ann"), wrong.code)
        report = await running.discord.wait_for_response(
            await running.discord.slash(mod, "tutor learner", member=ann)
        )
        embed = report["embeds"][0]
        attempts = next(f["value"] for f in embed["fields"] if f["name"] == "Recent attempts")
        assert attempts.startswith("❌ lesson 1 · failed") and f"`{wrong.fails}`" in attempts
        (attachment,) = report["attachments"]
        assert attachment["filename"].startswith("last-code-lesson-1-attempt-")
        assert attachment_bytes(report, attachment["filename"]).decode() == wrong.code


async def test_export_csv_parses_and_matches_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = []

    def recording_export_file(*args: Any) -> discord.File:
        threads.append(threading.current_thread())
        return export_file(*args)

    async with bot_on_emulator(tmp_path) as running:
        # Patched where the running bot's cog (extensions are reloaded per bot) looks it up.
        monkeypatch.setattr(
            sys.modules["cogs.moderation.commands"], "export_file", recording_export_file
        )
        learners = await seed_learners(running, 4)
        running.discord.remove_member(learners[3])  # left: no account name to be found
        mod = running.discord.add_member("mod")
        asked = await running.discord.slash(mod, "tutor export")
        exported = await running.discord.wait_for_response(asked)
        assert asked.callback_types == [5]  # deferred at once: a big server's export is slow
        assert threads and threading.main_thread() not in threads  # encoded off the loop
        (attachment,) = exported["attachments"]
        today = datetime.now(UTC).date().isoformat()
        assert attachment["filename"] == (
            f"gradient-tutor-progress-gradient-tutor-test-server-{today}.csv"
        )
        text = attachment_bytes(exported, attachment["filename"]).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(learners) * len(COURSE)
        for row in rows:  # text for spreadsheets: ="<id>"
            assert row["user_id"].startswith('="') and row["user_id"].endswith('"')
            row["user_id"] = row["user_id"][2:-1]
        stored = await running.bot.core.store.scope_progress(scope_of(running))
        assert {r.learner.user_id for r in stored} == {r["user_id"] for r in rows}
        names = {r["user_id"]: r["username"] for r in rows}
        assert names == {m["id"]: m["username"] for m in learners[:3]} | {learners[3]["id"]: ""}
        for learner in stored:
            for lesson in COURSE:
                row = next(
                    r
                    for r in rows
                    if r["user_id"] == learner.learner.user_id and r["lesson_id"] == lesson.id
                )
                progress = learner.progress.get(lesson.id)
                assert row["display_name"] == learner.learner.display_name
                assert int(row["attempts"]) == (progress.attempts if progress else 0)
                assert (row["status"] == "passed") == bool(progress and progress.completed)
                assert (row["completed_at"] == "") == (not progress or not progress.completed)
                assert (row["unlocked_at"] == "") == (row["status"] == "locked")


async def test_a_failing_page_turn_is_an_apology_with_an_error_id(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        await seed_learners(running, 11)
        mod = running.discord.add_member("mod")
        board = await running.discord.wait_for_response(
            await running.discord.slash(mod, "leaderboard")
        )
        await running.bot.core.store.close()  # the database goes away under the bot
        turned = await running.discord.click(mod, board, prompt_button(running, NEXT))
        answer = await running.discord.wait_for_callback(turned)
        assert "error id" in answer["data"]["content"] and answer["data"]["flags"] & EPHEMERAL


async def test_a_learner_who_left_the_server_can_still_be_looked_up_and_reset(
    tmp_path: Path,
) -> None:
    first = COURSE.lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        ann, mod = running.discord.add_member("ann"), running.discord.add_member("mod")
        await running.bot.core.submit(Learner(scope_of(running), ann["id"], "ann"), first.solution)
        running.discord.remove_member(ann)
        report = await running.discord.wait_for_response(
            await running.discord.slash(mod, "tutor learner", member=ann)
        )
        assert report["embeds"][0]["title"] == "Learner ann"
        prompt = await confirm_prompt(running, mod, "tutor reset", member=ann)
        await press(running, mod, prompt, "confirm")
        assert prompt["content"].startswith("Done: all progress")
        assert await running.bot.core.store.get_learner(scope_of(running), ann["id"]) is None
