"""The bot restarts while its messages are still on screen: lesson buttons and open Submit
forms keep working; in-memory prompts (leaderboard pages, Confirm) say they expired instead
of failing, and change nothing."""

from __future__ import annotations

from pathlib import Path

from bot.core import Learner, guild_scope
from bot.discord_app.prompts import STALE, prompt_custom_id
from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import (
    Running,
    bot_connected,
    button_ids,
    passed,
    started_emulator,
)
from tests.test_e2e_moderation import seed_learners

FIRST = load_course().lessons[0]


async def test_messages_shown_before_a_restart_still_answer(tmp_path: Path) -> None:
    async with started_emulator() as discord_:
        ann, mod = discord_.add_member("ann"), discord_.add_member("mod")
        async with bot_connected(discord_, tmp_path) as before:
            await seed_learners(Running(discord_, before), 11)  # two leaderboard pages
            lesson = await discord_.wait_for_response(await discord_.slash(ann, "lesson next"))
            form = await discord_.slash(ann, "lesson submit")
            await discord_.wait_for_callback(form)
            board = await discord_.wait_for_response(await discord_.slash(mod, "leaderboard"))
            # A failed attempt: something for a reset to forget, so it asks to confirm.
            wrong = Learner(guild_scope(discord_.guild_id), ann["id"], "ann")
            await before.core.submit(wrong, FIRST.fixtures[0].code)
            prompt = await discord_.wait_for_response(
                await discord_.slash(mod, "tutor reset", member=ann)
            )
            old_next = prompt_custom_id(before.session, "leaderboard:next")
            old_confirm = prompt_custom_id(before.session, "confirm")
            assert old_next in button_ids(board) and old_confirm in button_ids(prompt)

        async with bot_connected(discord_, tmp_path) as after:
            assert after.session != before.session
            # Lesson buttons are rebuilt from their custom ids.
            hint = await discord_.click(ann, lesson, f"tutor:hint:{FIRST.id}")
            shown = await discord_.wait_for_response(hint)
            assert shown["embeds"][0]["description"] == FIRST.hints[0]

            # A form opened before the restart is graded after it.
            submitted = await discord_.submit_modal(ann, form, {"code": FIRST.solution})
            assert passed(await discord_.wait_for_response(submitted))

            # Old prompts lose their dead buttons and say so; Confirm does nothing.
            for message, custom_id in ((board, old_next), (prompt, old_confirm)):
                pressed = await discord_.click(mod, message, custom_id)
                note: Json = await discord_.state.wait_until(
                    lambda pressed=pressed: next(iter(pressed.followups), None), 30
                )
                assert note["content"] == STALE and note["flags"] & (1 << 6)
                assert message["components"] == []
            scope = guild_scope(discord_.guild_id)
            assert await after.core.moderation.audit_log(scope) == []
            assert (await after.core.store.progress(scope, ann["id"]))[FIRST.id].completed
