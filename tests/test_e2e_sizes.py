"""Big things through the emulator, which refuses what Discord refuses: a lesson longer than
one message, a 4,000-character submission (Nitro's limit) with floods of output, and a
message holding several code blocks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import opening
from lessons import load_course
from lessons.course import Course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import bot_on_emulator, button_ids, fenced, passed

COURSE = load_course()
FIRST = COURSE.lessons[0]
NITRO_MESSAGE = 4_000


def field(message: Json, name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


async def test_a_lesson_too_long_for_one_message_arrives_in_several(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_first = replace(FIRST, explanation=(FIRST.explanation.strip() + "\n\n") * 40)
    long_course = Course([long_first, *COURSE.lessons[1:]])
    monkeypatch.setattr(opening, "load_course", lambda: long_course)
    async with bot_on_emulator(tmp_path) as running:
        ann = running.discord.add_member("ann")
        asked = await running.discord.slash(ann, "lesson next")
        await running.discord.wait_for_response(asked)
        # The buttons come with the last message, the starter code.
        await running.discord.state.wait_until(
            lambda: bool(asked.followups and button_ids(asked.followups[-1])), 30
        )
        messages = [asked.original, *asked.followups]
        assert len(messages) > 1  # and each within Discord's limits, or the emulator refused it
        assert messages[0]["embeds"][0]["title"] == f"Lesson 1 · {FIRST.title}"
        assert [bool(button_ids(m)) for m in messages] == [False] * (len(messages) - 1) + [True]
        text = "\n\n".join(e.get("description", "") for m in messages for e in m["embeds"])
        assert text.count(FIRST.explanation.strip().splitlines()[0]) == 40


async def test_a_4000_character_message_with_a_flood_of_output(tmp_path: Path) -> None:
    code = FIRST.solution + "\nfor i in range(100):\n    print('line', i, '``` @everyone')\n"
    message_text = fenced(code)
    message_text += "\n" + "p" * (NITRO_MESSAGE - len(message_text) - 1)
    assert len(message_text) == NITRO_MESSAGE
    async with bot_on_emulator(tmp_path) as running:
        bo = running.discord.add_member("bo")
        message = await running.discord.send_message(bo, message_text)
        reply = await running.discord.wait_for_reply(message)
        assert passed(reply)
        output = field(reply, "Printed output")
        assert output.startswith("```\n") and output.endswith("\n```")
        assert output.count("```") == 2  # the learner's fences cannot close the block
        assert "more lines" in output


async def test_several_code_blocks_in_one_message_are_one_submission(tmp_path: Path) -> None:
    lines = FIRST.solution.rstrip("\n").split("\n")
    # Cut between top-level statements, as a learner explaining their code in parts would.
    cut = next(
        i for i in range(len(lines) // 2, len(lines)) if lines[i] and not lines[i][0].isspace()
    )
    first_part, second_part = "\n".join(lines[:cut]), "\n".join(lines[cut:])
    text = (
        f"First I set things up:\n```python\n{first_part}\n```\n"
        "which printed\n```text\nnothing yet\n```\n"
        f"and then:\n```py\n{second_part}\n```"
    )
    async with bot_on_emulator(tmp_path) as running:
        cy = running.discord.add_member("cy")
        message = await running.discord.send_message(cy, text)
        assert passed(await running.discord.wait_for_reply(message))
