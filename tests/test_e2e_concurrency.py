"""Runaway code does not hold anyone else up, and a full pool says so instead of going quiet."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.discord_app.bot import TutorBot
from cogs.submissions.grading import QUEUED_NOTICE
from lessons import load_course
from sandbox import Sandbox
from tests.discord_emulator.harness import bot_on_emulator, fenced, passed

INFINITE_LOOP = "while True:\n    pass\n"


async def pool_is_full(bot: TutorBot) -> None:
    # Polls the pool's own flag; bounded by wait_for in the callers.
    sandbox = bot.core.sandbox
    assert isinstance(sandbox, Sandbox)
    while not sandbox.saturated:
        await asyncio.sleep(0.01)


async def test_an_infinite_loop_times_out_while_others_are_graded(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    # A generous limit keeps the ordering below far from any race on a busy machine.
    async with bot_on_emulator(tmp_path, env={"SANDBOX_TIMEOUT": "6"}) as running:
        jo, kim = running.discord.add_member("jo"), running.discord.add_member("kim")
        looping = await running.discord.send_message(jo, fenced(INFINITE_LOOP))
        await running.discord.wait_for_reactions(looping, ["⏳"])
        beats_before = running.discord.gateway.heartbeats

        fine = await running.discord.send_message(kim, fenced(first.solution))
        assert passed(await running.discord.wait_for_reply(fine))
        assert running.discord.replies_to(looping) == []  # still running meanwhile

        again = await running.discord.send_message(jo, fenced(first.solution))
        busy = await running.discord.wait_for_reply(again, done=lambda r: bool(r["content"]))
        assert "still grading your last submission" in busy["content"]

        timed_out = await running.discord.wait_for_reply(looping)
        assert timed_out["embeds"][0]["title"].startswith("⏱️ Timed out")
        # The event loop kept the gateway alive the whole time the loop ran.
        assert running.discord.gateway.heartbeats >= beats_before + 2
        await running.discord.wait_for_reactions(looping, ["❌"])


async def test_a_saturated_pool_answers_that_the_run_is_queued(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    env = {"SANDBOX_WORKERS": "1", "SANDBOX_TIMEOUT": "3"}
    async with bot_on_emulator(tmp_path, env=env) as running:
        lea, max_ = running.discord.add_member("lea"), running.discord.add_member("max")
        await running.discord.send_message(lea, fenced(INFINITE_LOOP))
        await asyncio.wait_for(pool_is_full(running.bot), timeout=30)

        waiting = await running.discord.send_message(max_, fenced(first.solution))
        notice = await running.discord.wait_for_reply(waiting, done=lambda r: bool(r["content"]))
        assert notice["content"] == QUEUED_NOTICE

        verdict = await running.discord.wait_for_reply(waiting, done=passed)
        assert verdict["id"] == notice["id"]  # the notice became the verdict
        assert verdict["content"] == ""


async def test_a_modal_submission_to_a_full_pool_is_told_it_is_queued(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    env = {"SANDBOX_WORKERS": "1", "SANDBOX_TIMEOUT": "3"}
    async with bot_on_emulator(tmp_path, env=env) as running:
        ned, oli = running.discord.add_member("ned"), running.discord.add_member("oli")
        await running.discord.send_message(ned, fenced(INFINITE_LOOP))
        await asyncio.wait_for(pool_is_full(running.bot), timeout=30)

        opened = await running.discord.slash(oli, "lesson submit")
        await running.discord.wait_for_callback(opened)
        submitted = await running.discord.submit_modal(oli, opened, {"code": first.solution})
        await running.discord.wait_for_response(
            submitted, done=lambda m: m["content"] == QUEUED_NOTICE
        )
        verdict = await running.discord.wait_for_response(submitted, done=passed)
        assert verdict["content"] == ""  # the notice made way for the verdict


async def test_a_submission_during_shutdown_is_told_to_come_back(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path, env={"SANDBOX_TIMEOUT": "2"}) as running:
        pat, quy = running.discord.add_member("pat"), running.discord.add_member("quy")
        looping = await running.discord.send_message(pat, fenced(INFINITE_LOOP))
        await running.discord.wait_for_reactions(looping, ["⏳"])
        closing = asyncio.create_task(running.bot.close())  # as SIGTERM does
        await asyncio.sleep(0)  # it starts: from now on it waits for the running grading
        assert running.bot.core._closing  # the core admits nothing new from here on

        late = await running.discord.send_message(quy, fenced(first.solution))
        refusal = await running.discord.wait_for_reply(late, done=lambda r: bool(r["content"]))
        assert "restarting" in refusal["content"]
        await closing
        # The grading that was running still delivered its verdict before the bot left.
        assert running.discord.replies_to(looping)[0]["embeds"][0]["title"].startswith("⏱️")
