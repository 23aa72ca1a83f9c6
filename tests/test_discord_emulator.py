"""The emulator refuses what Discord refuses, so e2e tests cannot pass on an invalid bot."""

from __future__ import annotations

import aiohttp

from tests.discord_emulator.harness import started_emulator
from tests.discord_emulator.validation import command_problems, message_problems, modal_problems


def test_message_limits() -> None:
    assert message_problems({"content": "x" * 2000, "embeds": [{"description": "y" * 4096}]}) == []
    assert message_problems({"content": "x" * 2001})
    assert message_problems({"embeds": [{"description": "y" * 4097}]})
    assert message_problems({"embeds": [{"description": "y" * 3000}] * 2 + [{"title": "z"}]})
    assert message_problems({"embeds": [{"title": "t"}] * 11})
    assert message_problems({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})


def test_command_and_modal_limits() -> None:
    good = {"name": "lesson", "description": "The course", "options": []}
    assert command_problems([good]) == []
    assert command_problems([{**good, "name": "Lesson"}])
    assert command_problems([{**good, "description": "d" * 101}])
    assert modal_problems({"title": "t" * 46, "components": []})


async def test_an_oversized_message_gets_a_400_and_is_recorded() -> None:
    async with started_emulator() as emulator, aiohttp.ClientSession() as http:
        url = f"{emulator.api_base}/channels/{emulator.lesson_channel_id}/messages"
        headers = {"Authorization": f"Bot {emulator.token}"}
        async with http.post(url, json={"content": "x" * 2001}, headers=headers) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 50035
        assert emulator.state.rejected and emulator.state.messages == {}
        async with http.post(url, json={"content": "hi"}) as response:
            assert response.status == 401  # no bot token, no entry
