"""Submitting through the modal, from `/lesson submit` and from a lesson's Submit button."""

from __future__ import annotations

from pathlib import Path

from lessons import load_course
from tests.discord_emulator.harness import bot_on_emulator, passed

MODAL, DEFERRED = 9, 5


async def test_lesson_submit_opens_a_prefilled_modal_and_grades_it(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        gus = running.discord.add_member("gus")
        opened = await running.discord.slash(gus, "lesson submit")
        await running.discord.wait_for_callback(opened)

        modal = opened.modal
        assert modal is not None and modal["title"] == "Submit: Lesson 1"
        code_field = modal["components"][0]
        code_field = code_field.get("component") or code_field["components"][0]
        assert code_field["value"] == first.starter_code[:4000]
        assert code_field["max_length"] == 4000

        submitted = await running.discord.submit_modal(gus, opened, {"code": first.solution})
        verdict = await running.discord.wait_for_response(submitted)

        assert submitted.callback_types == [DEFERRED]  # acknowledged at once
        assert passed(verdict)
        assert "Lesson 2 unlocked" in verdict["embeds"][0]["footer"]["text"]


async def test_the_submit_button_under_a_lesson_grades_a_wrong_answer(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    wrong = first.fixtures[0]
    async with bot_on_emulator(tmp_path) as running:
        hal = running.discord.add_member("hal")
        lesson = await running.discord.wait_for_response(
            await running.discord.slash(hal, "lesson next")
        )
        opened = await running.discord.click(hal, lesson, f"tutor:submit:{first.id}")
        await running.discord.wait_for_callback(opened)
        submitted = await running.discord.submit_modal(hal, opened, {"code": wrong.code})
        verdict = await running.discord.wait_for_response(submitted)

        embed = verdict["embeds"][0]
        assert embed["title"].startswith("❌")
        assert wrong.fails in embed["description"]


async def test_the_hint_button_gives_the_next_tier(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        ivy = running.discord.add_member("ivy")
        lesson = await running.discord.wait_for_response(
            await running.discord.slash(ivy, "lesson next")
        )
        pressed = await running.discord.click(ivy, lesson, f"tutor:hint:{first.id}")
        hint = await running.discord.wait_for_response(pressed)
        assert hint["embeds"][0]["description"] == first.hints[0]


async def test_two_learners_with_the_same_form_open_are_both_graded(tmp_path: Path) -> None:
    first = load_course().lessons[0]
    async with bot_on_emulator(tmp_path) as running:
        jan, kit = running.discord.add_member("jan"), running.discord.add_member("kit")
        forms = []
        for member in (jan, kit):
            opened = await running.discord.slash(member, "lesson submit")
            await running.discord.wait_for_callback(opened)
            forms.append(opened)
        # One learner's answer must not close the other's form (discord.py keys open modals
        # by custom id, which is the same for both).
        for member, opened in zip((jan, kit), forms, strict=True):
            submitted = await running.discord.submit_modal(member, opened, {"code": first.solution})
            assert passed(await running.discord.wait_for_response(submitted))
