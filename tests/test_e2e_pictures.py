"""Pictures through the emulator: the loss plot on a training lesson's verdict (posted in a
channel or through the modal) and the funnel chart of `/tutor stats`."""

from __future__ import annotations

import struct
from pathlib import Path

from bot.core import Learner, guild_scope
from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import (
    Running,
    attachment_bytes,
    bot_on_emulator,
    fenced,
    passed,
)

COURSE = load_course()
LANDSCAPE = COURSE.get("how-models-learn")
STEPS = COURSE.get("training-loop")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def open_lesson(running: Running, member: Json, lesson_id: str) -> None:
    """As if a moderator unlocked it and the learner opened it with /lesson show."""
    learner = Learner(guild_scope(running.discord.guild_id), member["id"], member["username"])
    await running.bot.core.moderation.unlock(learner, lesson_id, actor="test")
    shown = await running.discord.slash(member, "lesson show", lesson=lesson_id)
    await running.discord.wait_for_response(shown)


async def test_a_training_verdict_carries_the_loss_plot(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        ada = running.discord.add_member("ada")
        await open_lesson(running, ada, LANDSCAPE.id)
        message = await running.discord.send_message(ada, fenced(LANDSCAPE.solution))
        reply = await running.discord.wait_for_reply(message)
        assert passed(reply)
        assert reply["embeds"][0]["image"]["url"] == "attachment://loss.png"
        width, height = png_size(attachment_bytes(reply, "loss.png"))
        assert 300 <= width <= 1200 and 200 <= height <= 1000

        # A failing verdict of a training lesson gets its picture too.
        wrong = await running.discord.send_message(ada, fenced(LANDSCAPE.fixtures[0].code))
        failed = await running.discord.wait_for_reply(wrong)
        assert not passed(failed)
        assert attachment_bytes(failed, "loss.png").startswith(PNG_MAGIC)


async def test_lessons_that_do_not_train_get_no_picture(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        bob = running.discord.add_member("bob")
        message = await running.discord.send_message(bob, fenced(COURSE.lessons[0].solution))
        reply = await running.discord.wait_for_reply(message)
        assert passed(reply)
        assert reply["attachments"] == [] and "image" not in reply["embeds"][0]


async def test_the_modal_path_attaches_the_training_loop_plot(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        cy = running.discord.add_member("cy")
        await open_lesson(running, cy, STEPS.id)
        opened = await running.discord.slash(cy, "lesson submit")
        await running.discord.wait_for_callback(opened)
        submitted = await running.discord.submit_modal(cy, opened, {"code": STEPS.solution})
        verdict = await running.discord.wait_for_response(
            submitted, done=lambda m: bool(m["embeds"])
        )
        assert verdict["embeds"][0]["image"]["url"] == "attachment://loss.png"
        width, height = png_size(attachment_bytes(verdict, "loss.png"))
        assert height > width  # two panels, stacked: the lesson's rate, the too-big one


async def test_stats_shows_the_funnel_with_a_bar_chart(tmp_path: Path) -> None:
    first = COURSE.lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        scope = guild_scope(running.discord.guild_id)
        for name, code in (("ann", first.solution), ("ben", first.fixtures[0].code)):
            member = running.discord.add_member(name)
            await running.bot.core.submit(Learner(scope, member["id"], name), code)
        mod = running.discord.add_member("mod")
        asked = await running.discord.slash(mod, "tutor stats")
        stats = await running.discord.wait_for_response(asked)
        assert asked.callback_types == [5]  # deferred at once, then the chart is drawn
        embed = stats["embeds"][0]
        lines = embed["description"].splitlines()
        assert lines[0] == "**2** learners here, **0** finished the course."
        assert lines[3] == f"**1. {first.title}** — reached 2, passed 1, stuck 1"
        check = next(c for c in first.checks if c.name == first.fixtures[0].fails)
        assert lines[4] == (f"  most common mistake: `{check.name}` — {check.describe} (once)")
        assert lines[5] == f"**2. {COURSE.lessons[1].title}** — reached 1, passed 0, stuck 0"
        assert embed["image"]["url"] == "attachment://funnel.png"
        width, height = png_size(attachment_bytes(stats, "funnel.png"))
        assert width >= 500 and height > 300
