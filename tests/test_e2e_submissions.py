"""Fenced code posted in a channel, graded by the real bot, as Discord would receive it."""

from __future__ import annotations

import logging
from pathlib import Path

import discord
import pytest

from bot.code_extraction import HOW_TO_FORMAT
from bot.core import Learner, guild_scope
from lessons import Lesson, load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import bot_on_emulator, fenced, pass_lessons, passed


def course_lesson(lesson_id: str) -> Lesson:
    return next(lesson for lesson in load_course() if lesson.id == lesson_id)


def button_ids(message: Json) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


def field(embed: Json, name: str) -> str:
    return next(f["value"] for f in embed.get("fields", []) if f["name"] == name)


async def test_training_lesson_passes_with_losses_and_unlocks_the_next(tmp_path: Path) -> None:
    lesson = course_lesson("how-models-learn")
    async with bot_on_emulator(tmp_path) as running:
        ada = running.discord.add_member("ada")
        await pass_lessons(running, ada, lesson.number - 1)

        message = await running.discord.send_message(ada, fenced(lesson.solution))
        reply = await running.discord.wait_for_reply(message)

        embed = reply["embeds"][0]
        assert passed(reply)
        assert f"Lesson {lesson.number}" in embed["title"]
        loss = field(embed, "Loss")
        assert "loss_before" in loss and "loss_after" in loss and "down" in loss
        assert f"Lesson {lesson.number + 1} unlocked" in embed["footer"]["text"]
        assert button_ids(reply) == ["tutor:next"]
        await running.discord.wait_for_reactions(message, ["✅"])

        # The Next button opens the lesson this pass unlocked.
        pressed = await running.discord.click(ada, reply, "tutor:next")
        shown = await running.discord.wait_for_response(pressed)
        assert f"Lesson {lesson.number + 1}" in shown["embeds"][0]["title"]


async def test_a_wrong_solution_gets_the_diagnosis_and_cannot_ping(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    wrong = lesson.fixtures[0]
    code = wrong.code + '\nprint("@everyone look at <@&1> and <@2>")\n'
    async with bot_on_emulator(tmp_path) as running:
        bob = running.discord.add_member("bob")
        message = await running.discord.send_message(bob, fenced(code))
        reply = await running.discord.wait_for_reply(message)

        embed = reply["embeds"][0]
        assert embed["title"].startswith("❌")
        failing = [line for line in embed["description"].splitlines() if line.startswith("❌")]
        assert any(wrong.fails in line for line in failing)
        if wrong.expect:
            assert wrong.expect in embed["description"]
        assert "@everyone" in field(embed, "Printed output")
        assert set(button_ids(reply)) == {f"tutor:hint:{lesson.id}", f"tutor:submit:{lesson.id}"}
        await running.discord.wait_for_reactions(message, ["❌"])
        # Every message the bot sent went out with mentions disabled.
        bodies = running.discord.sent_bodies()
        assert bodies and all(b["allowed_mentions"]["parse"] == [] for b in bodies)


async def test_editing_a_submission_regrades_it_into_the_same_reply(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        cy = running.discord.add_member("cy")
        message = await running.discord.send_message(cy, fenced(lesson.fixtures[0].code))
        first = await running.discord.wait_for_reply(message)
        assert not passed(first)

        await running.discord.edit_message(message, fenced(lesson.solution))
        regraded = await running.discord.wait_for_reply(message, done=passed)

        assert regraded["id"] == first["id"]
        assert len(running.discord.replies_to(message)) == 1
        await running.discord.wait_for_reactions(message, ["✅"])


async def test_a_broken_fence_gets_a_formatting_hint_and_chat_is_ignored(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        dee = running.discord.add_member("dee")
        chat = await running.discord.send_message(dee, "has anyone finished lesson 2?")
        broken = await running.discord.send_message(dee, "```python\nx = 1\n")
        reply = await running.discord.wait_for_reply(broken, done=lambda r: bool(r["content"]))
        assert HOW_TO_FORMAT in reply["content"]
        # Events are handled in order: by now the chat message was seen, and left alone.
        assert running.discord.replies_to(chat) == []


async def test_without_the_message_content_intent_nothing_is_read(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path, intents=discord.Intents.default()) as running:
        eve = running.discord.add_member("eve")
        message = await running.discord.send_message(eve, fenced(lesson.solution))
        # A later interaction is answered only after the message event was handled.
        asked = await running.discord.slash(eve, "progress")
        progress = await running.discord.wait_for_response(asked)
        assert "0/" in progress["embeds"][0]["description"]
        assert running.discord.replies_to(message) == []
        assert running.discord.reactions_on(message) == []


async def test_submitting_again_too_soon_is_refused_with_the_wait(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path, submission_cooldown_s=600.0) as running:
        fay = running.discord.add_member("fay")
        first = await running.discord.send_message(fay, fenced(lesson.fixtures[0].code))
        await running.discord.wait_for_reply(first)
        second = await running.discord.send_message(fay, fenced(lesson.solution))
        refusal = await running.discord.wait_for_reply(second, done=lambda r: bool(r["content"]))
        assert "Not so fast" in refusal["content"]
        assert running.discord.reactions_on(second) == []


async def test_only_configured_lesson_channels_are_read(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        scope = f"guild:{discord_.guild_id}"
        await running.bot.core.configs.set(
            scope, "lesson_channels", [str(discord_.lesson_channel_id)]
        )
        gia = discord_.add_member("gia")
        elsewhere = await discord_.send_message(
            gia, fenced(lesson.solution), channel_id=discord_.other_channel_id
        )
        here = await discord_.send_message(gia, fenced(lesson.solution))
        assert passed(await discord_.wait_for_reply(here))
        assert discord_.replies_to(elsewhere) == []
        assert discord_.reactions_on(elsewhere) == []


async def test_code_sent_in_a_dm_is_graded_with_separate_progress(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        hu = running.discord.add_member("hu")
        message = await running.discord.send_dm(hu, fenced(lesson.solution))
        assert passed(await running.discord.wait_for_reply(message))
        # Progress is per community: the server has not seen this pass.
        shown = await running.discord.wait_for_response(await running.discord.slash(hu, "progress"))
        assert "**0/" in shown["embeds"][0]["description"]


async def test_mentioning_the_bot_is_chat_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        ivo = running.discord.add_member("ivo")
        said = await running.discord.send_message(ivo, f"<@{running.bot.user.id}> help")
        # Events are handled in order: once this is answered, the mention was seen.
        await running.discord.wait_for_response(await running.discord.slash(ivo, "progress"))
        assert running.discord.replies_to(said) == []
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_an_edit_inside_the_cooldown_waits_instead_of_hiding_the_verdict(
    tmp_path: Path,
) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path, submission_cooldown_s=3.0) as running:
        jem = running.discord.add_member("jem")
        message = await running.discord.send_message(jem, fenced(lesson.fixtures[0].code))
        first = await running.discord.wait_for_reply(message)
        await running.discord.edit_message(message, fenced(lesson.solution))
        regraded = await running.discord.wait_for_reply(message, done=passed)
        assert regraded["id"] == first["id"]
        # The reply went from one verdict to the next, never through a refusal.
        edits = [e["body"] for e in running.discord.state.sent if e["message_id"] == first["id"]]
        assert not any("Not so fast" in (body.get("content") or "") for body in edits)


async def test_an_edit_made_while_grading_is_graded_next(tmp_path: Path) -> None:
    lesson = load_course().lessons[0]
    async with bot_on_emulator(tmp_path, env={"SANDBOX_TIMEOUT": "2"}) as running:
        kai = running.discord.add_member("kai")
        message = await running.discord.send_message(kai, fenced("while True:\n    pass\n"))
        await running.discord.wait_for_reactions(message, ["⏳"])
        await running.discord.edit_message(message, fenced(lesson.solution))  # fixed meanwhile
        assert passed(await running.discord.wait_for_reply(message, done=passed))
        assert len(running.discord.replies_to(message)) == 1
        await running.discord.wait_for_reactions(message, ["✅"])


async def test_a_masked_link_in_an_exception_is_not_posted_as_a_link(tmp_path: Path) -> None:
    code = 'raise ValueError("[claim your prize](https://evil.example)")\n'
    async with bot_on_emulator(tmp_path) as running:
        lou = running.discord.add_member("lou")
        message = await running.discord.send_message(lou, fenced(code))
        embed = (await running.discord.wait_for_reply(message))["embeds"][0]
        # The exception's text is shown once, in the Error field, defused there.
        error = field(embed, "Error").split("```")[0]
        assert "https://evil.example" in error and "](" not in error
        assert "evil.example" not in embed["description"]


async def test_the_next_lessons_code_before_opening_it_is_pointed_there(tmp_path: Path) -> None:
    first, second = load_course().lessons[:2]
    async with bot_on_emulator(tmp_path) as running:
        ada = running.discord.add_member("ada")
        passing = await running.discord.send_message(ada, fenced(first.solution))
        assert passed(await running.discord.wait_for_reply(passing))

        # Lesson 2 is open but not opened: its code must not be graded as lesson 1's.
        early = await running.discord.send_message(ada, fenced(second.solution))
        reply = await running.discord.wait_for_reply(early, lambda r: bool(r["content"]))
        assert reply["content"] == (
            f"This looks like code for Lesson 2 (“{second.title}”), not Lesson 1: open it "
            "with `/lesson next` (or the button), then send your code again. "
            "No attempt was counted."
        )
        assert not reply.get("embeds")
        learner = Learner(guild_scope(running.discord.guild_id), ada["id"], "ada")
        lessons = await running.bot.core.list_lessons(learner)
        assert [status.attempts for status in lessons[:2]] == [1, 0]
