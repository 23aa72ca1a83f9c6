"""The course in a learner's DMs with the bot: slash commands, buttons, the form and fenced
code all work there, on the learner's DM progress; moderator commands are not offered."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons import load_course
from tests.discord_emulator.harness import bot_on_emulator, fenced, passed

FIRST = load_course().lessons[0]


async def test_the_course_works_in_dms_on_its_own_progress(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        # DMs see only global commands: register them as `python -m bot sync` does.
        await running.bot.tree.sync()
        hu = discord_.add_member("hu")
        lesson = await discord_.wait_for_response(await discord_.slash(hu, "lesson next", dm=True))
        assert lesson["embeds"][0]["title"] == f"Lesson 1 · {FIRST.title}"
        assert "guild_id" not in lesson

        opened = await discord_.click(hu, lesson, f"tutor:submit:{FIRST.id}")
        await discord_.wait_for_callback(opened)
        submitted = await discord_.submit_modal(hu, opened, {"code": FIRST.fixtures[0].code})
        assert not passed(await discord_.wait_for_response(submitted))
        message = await discord_.send_dm(hu, fenced(FIRST.solution))
        assert passed(await discord_.wait_for_reply(message))

        in_dm = await discord_.wait_for_response(await discord_.slash(hu, "progress", dm=True))
        assert "**1/" in in_dm["embeds"][0]["description"]
        in_server = await discord_.wait_for_response(await discord_.slash(hu, "progress"))
        assert "**0/" in in_server["embeds"][0]["description"]

        for moderator_command in ("leaderboard", "tutor audit"):
            with pytest.raises(LookupError, match="not registered in DMs"):
                await discord_.slash(hu, moderator_command, dm=True)
