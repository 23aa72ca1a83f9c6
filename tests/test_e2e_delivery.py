"""What a real server does to replies: channels the bot may not post in, learners with DMs
closed, submissions deleted while they are graded. The bot answers where it can, never
crashes, and keeps serving everyone else."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.discord_app.events import GradedSubmission
from cogs.submissions.channel_replies import CANNOT_POST
from lessons import load_course
from tests.discord_emulator.harness import Running, bot_on_emulator, fenced, passed
from tests.discord_emulator.state import EMBED_LINKS, SEND_MESSAGES

FIRST = load_course().lessons[0]
INFINITE_LOOP = "while True:\n    pass\n"


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def still_serving(running: Running) -> None:
    """Another member's slash command is answered: the bot is alive and well."""
    someone = running.discord.add_member("someone")
    shown = await running.discord.wait_for_response(
        await running.discord.slash(someone, "lesson next")
    )
    assert shown["embeds"][0]["title"].startswith("Lesson 1")


def graded_events(running: Running) -> asyncio.Queue[GradedSubmission]:
    heard: asyncio.Queue[GradedSubmission] = asyncio.Queue()

    async def on_tutor_submission_graded(graded: GradedSubmission) -> None:
        await heard.put(graded)

    running.bot.add_listener(on_tutor_submission_graded)
    return heard


async def test_a_channel_the_bot_cannot_post_in_gets_the_verdict_by_dm(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        await discord_.deny_bot(discord_.lesson_channel_id, SEND_MESSAGES)
        ada = discord_.add_member("ada")
        message = await discord_.send_message(ada, fenced(FIRST.solution))

        dm = await discord_.state.wait_until(lambda: next(iter(discord_.dms_to(ada)), None), 30)
        assert dm["content"].startswith(
            CANNOT_POST.format(channel=f"<#{discord_.lesson_channel_id}>")
        )
        assert passed(dm)
        assert dm["components"] == []  # in a DM they would act on the wrong progress
        assert discord_.replies_to(message) == []
        await still_serving(running)
        assert errors_logged(caplog) == []


async def test_a_channel_without_embed_links_gets_the_verdict_by_dm(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        # Discord would take the reply but silently drop its embed: an empty verdict.
        await discord_.deny_bot(discord_.lesson_channel_id, EMBED_LINKS)
        dee = discord_.add_member("dee")
        message = await discord_.send_message(dee, fenced(FIRST.solution))
        dm = await discord_.state.wait_until(lambda: next(iter(discord_.dms_to(dee)), None), 30)
        assert passed(dm)
        assert discord_.replies_to(message) == []
        # Plain-text answers need no embed: a formatting hint still goes in the channel.
        broken = await discord_.send_message(dee, "```python\nx = 1\n")
        hint = await discord_.wait_for_reply(broken, done=lambda r: bool(r["content"]))
        assert "fenced block" in hint["content"]


async def test_with_dms_closed_too_the_bot_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        await discord_.deny_bot(discord_.lesson_channel_id, SEND_MESSAGES)
        bea = discord_.add_member("bea")
        discord_.state.dms_closed.add(int(bea["id"]))
        heard = graded_events(running)
        await discord_.send_message(bea, fenced(FIRST.solution))

        graded = await asyncio.wait_for(heard.get(), 30)
        assert graded.outcome.verdict.passed and graded.reply is None
        assert discord_.dms_to(bea) == []
        await still_serving(running)
        assert errors_logged(caplog) == []


async def test_a_submission_deleted_while_graded_gets_no_reply_but_counts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_on_emulator(tmp_path, env={"SANDBOX_TIMEOUT": "2"}) as running:
        discord_ = running.discord
        cy = discord_.add_member("cy")
        heard = graded_events(running)
        message = await discord_.send_message(cy, fenced(INFINITE_LOOP))
        await discord_.wait_for_reactions(message, ["⏳"])
        await discord_.delete_message(message)

        graded = await asyncio.wait_for(heard.get(), 30)
        assert graded.outcome.verdict.status == "timeout" and graded.reply is None
        assert [m for m in discord_.state.messages.values() if m["author"]["bot"]] == []
        progress = await discord_.wait_for_response(await discord_.slash(cy, "progress"))
        attempts = next(f for f in progress["embeds"][0]["fields"] if f["name"] == "Attempts")
        assert attempts["value"] == "1"
        assert errors_logged(caplog) == []
