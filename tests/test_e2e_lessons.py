"""Slash commands for reading the course, answered privately, through the emulator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import bot_on_emulator, fenced, passed

EPHEMERAL = 1 << 6


def is_private(message: Json) -> bool:
    return bool(message["flags"] & EPHEMERAL)


async def test_lesson_next_answers_with_the_first_lesson(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        ann = running.discord.add_member("ann")
        asked = await running.discord.slash(ann, "lesson next")
        shown = await running.discord.wait_for_response(asked)

        assert is_private(shown)
        embeds = shown["embeds"]
        assert embeds[0]["title"] == f"Lesson 1 · {first.title}"
        starter = next(e for e in embeds if e.get("title") == "Starter code")
        assert starter["description"].startswith("```python\n")
        assert first.starter_code.strip().splitlines()[0] in starter["description"]
        buttons = [c["custom_id"] for row in shown["components"] for c in row["components"]]
        assert buttons == [f"tutor:submit:{first.id}", f"tutor:hint:{first.id}"]


async def test_list_shows_locks_and_completion_marks(tmp_path: Path) -> None:
    course = load_course()
    async with bot_on_emulator(tmp_path) as running:
        ben = running.discord.add_member("ben")
        before = await running.discord.wait_for_response(
            await running.discord.slash(ben, "lesson list")
        )
        lines = before["embeds"][0]["description"].splitlines()
        assert lines[0].startswith("🔓") and all(line.startswith("🔒") for line in lines[1:])
        assert len(lines) == len(course)

        message = await running.discord.send_message(ben, fenced(course.lessons[0].solution))
        assert passed(await running.discord.wait_for_reply(message))
        after = await running.discord.wait_for_response(
            await running.discord.slash(ben, "lesson list")
        )
        lines = after["embeds"][0]["description"].splitlines()
        assert lines[0].startswith("✅") and lines[1].startswith("🔓")


async def test_a_locked_lesson_is_refused(tmp_path: Path) -> None:
    third = load_course().lessons[2]
    async with bot_on_emulator(tmp_path) as running:
        cat = running.discord.add_member("cat")
        asked = await running.discord.slash(cat, "lesson show", lesson=str(third.number))
        callback = await running.discord.wait_for_callback(asked)

        assert callback["type"] == 4  # answered directly, by the tree's error handler
        assert "still locked" in callback["data"]["content"]
        assert callback["data"]["flags"] & EPHEMERAL
        # Submitting to it by name is refused the same way, before any modal opens.
        submit = await running.discord.slash(cat, "lesson submit", lesson=third.id)
        refused = await running.discord.wait_for_callback(submit)
        assert "still locked" in refused["data"]["content"]


async def test_autocomplete_offers_only_unlocked_lessons(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        dan = running.discord.add_member("dan")
        asked = await running.discord.autocomplete(dan, "lesson show", "lesson", "")
        await running.discord.wait_for_callback(asked)
        assert asked.autocomplete_choices == [{"name": f"1. {first.title}", "value": first.id}]


async def test_hints_come_in_tiers_and_the_solution_waits_for_a_pass(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        eli = running.discord.add_member("eli")
        hints = []
        for _ in range(2):
            asked = await running.discord.slash(eli, "lesson hint")
            hints.append((await running.discord.wait_for_response(asked))["embeds"][0])
        assert hints[0]["title"].startswith(f"💡 Hint 1 of {len(first.hints)}")
        assert hints[1]["title"].startswith(f"💡 Hint 2 of {len(first.hints)}")
        assert hints[0]["description"] == first.hints[0]

        refused = await running.discord.slash(eli, "lesson solution")
        assert (
            "opens once you pass it"
            in (await running.discord.wait_for_callback(refused))["data"]["content"]
        )

        message = await running.discord.send_message(eli, fenced(first.solution))
        assert passed(await running.discord.wait_for_reply(message))
        granted = await running.discord.wait_for_response(
            await running.discord.slash(eli, "lesson solution", lesson=first.id)
        )
        assert granted["embeds"][0]["title"] == f"Reference solution · Lesson 1 · {first.title}"
        assert granted["embeds"][0]["description"].startswith("```python\n")


async def test_progress_counts_completed_lessons(tmp_path: Path) -> None:
    course = load_course()
    async with bot_on_emulator(tmp_path) as running:
        fin = running.discord.add_member("fin")
        message = await running.discord.send_message(fin, fenced(course.lessons[0].solution))
        assert passed(await running.discord.wait_for_reply(message))
        shown = await running.discord.wait_for_response(
            await running.discord.slash(fin, "progress")
        )
        embed = shown["embeds"][0]
        assert is_private(shown)
        assert f"**1/{len(course)}** lessons completed" in embed["description"]
        assert embed["title"] == "Progress of fin"


async def test_our_own_failure_is_an_apology_with_the_logged_error_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        await running.bot.core.store.close()  # the database goes away under the bot
        gil = running.discord.add_member("gil")
        asked = await running.discord.slash(gil, "progress")
        answer = (await running.discord.wait_for_callback(asked))["data"]

        assert answer["flags"] & EPHEMERAL
        error_id = re.search(r"error id `(\w+)`", answer["content"])
        assert error_id is not None
        logged = [r for r in caplog.records if error_id.group(1) in r.getMessage()]
        assert logged and logged[0].exc_info is not None
