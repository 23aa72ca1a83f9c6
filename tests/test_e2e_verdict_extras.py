"""Extension points for other cogs: pictures on verdicts, and an event after each verdict."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import discord

from bot.core import SubmissionOutcome
from bot.discord_app.events import GradedSubmission
from lessons import load_course
from tests.discord_emulator.harness import bot_on_emulator, fenced, passed

PICTURE = b"\x89PNG\r\n\x1a\n" + b"not really a plot"


async def attach_picture(outcome: SubmissionOutcome, embed: discord.Embed) -> list[discord.File]:
    embed.set_image(url="attachment://loss.png")
    return [discord.File(io.BytesIO(PICTURE), filename="loss.png")]


async def broken_decorator(outcome: SubmissionOutcome, embed: discord.Embed) -> list[discord.File]:
    raise RuntimeError("plotting failed")


async def test_a_channel_verdict_carries_decorations_and_is_announced(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        running.bot.verdict_decorators += [broken_decorator, attach_picture]
        heard: asyncio.Queue[GradedSubmission] = asyncio.Queue()

        async def on_tutor_submission_graded(graded: GradedSubmission) -> None:
            await heard.put(graded)

        running.bot.add_listener(on_tutor_submission_graded)
        ola = running.discord.add_member("ola")
        message = await running.discord.send_message(ola, fenced(first.solution))
        reply = await running.discord.wait_for_reply(message)

        assert passed(reply)  # the broken decorator cost nothing but itself
        assert reply["embeds"][0]["image"]["url"] == "attachment://loss.png"
        [attachment] = reply["attachments"]
        assert attachment["filename"] == "loss.png"
        assert bytes.fromhex(attachment["data"]) == PICTURE

        graded = await asyncio.wait_for(heard.get(), 30)
        assert graded.outcome.verdict.passed and graded.outcome.unlocked is not None
        assert graded.user.id == int(ola["id"]) and graded.reply is not None
        assert graded.reply.id == int(reply["id"])


async def test_a_modal_verdict_carries_decorations_too(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        running.bot.verdict_decorators.append(attach_picture)
        pia = running.discord.add_member("pia")
        opened = await running.discord.slash(pia, "lesson submit")
        await running.discord.wait_for_callback(opened)
        submitted = await running.discord.submit_modal(pia, opened, {"code": first.solution})
        verdict = await running.discord.wait_for_response(submitted)
        assert passed(verdict)
        assert [a["filename"] for a in verdict["attachments"]] == ["loss.png"]
