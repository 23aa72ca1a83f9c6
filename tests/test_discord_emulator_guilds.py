"""The emulator's second guild, as Discord shards it: two raw gateway connections identify as
shards 0 and 1 of 2, and each sees only its own guild's READY entry, GUILD_CREATE and
events (direct messages go to shard 0)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from tests.discord_emulator import DiscordEmulator
from tests.discord_emulator.gateway import HEARTBEAT, HEARTBEAT_ACK, IDENTIFY
from tests.discord_emulator.harness import started_emulator

Frame = dict[str, Any]


@asynccontextmanager
async def shard(
    emulator: DiscordEmulator, shard_id: int, count: int = 2
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with aiohttp.ClientSession() as http, http.ws_connect(emulator.gateway_url) as ws:
        await ws.receive_json()  # HELLO
        identify = {"token": emulator.token, "intents": 0, "shard": [shard_id, count]}
        await ws.send_json({"op": IDENTIFY, "d": identify})
        yield ws


async def received(ws: aiohttp.ClientWebSocketResponse) -> list[Frame]:
    """Every dispatch sent to `ws` so far: a heartbeat's ack comes after all of them."""
    await ws.send_json({"op": HEARTBEAT, "d": None})
    frames = []
    while (frame := await ws.receive_json(timeout=10)).get("op") != HEARTBEAT_ACK:
        frames.append(frame)
    return frames


def events(frames: list[Frame]) -> list[tuple[str, str | None]]:
    """(event, the guild it is about) per dispatch."""
    out = []
    for frame in frames:
        data = frame["d"]
        guild = data.get("guild_id") or (data["id"] if frame["t"] == "GUILD_CREATE" else None)
        out.append((frame["t"], guild))
    return out


async def test_each_guild_is_created_on_and_routed_to_its_own_shard_only() -> None:
    async with started_emulator() as emulator:
        second = await emulator.add_guild()
        first_shard = (emulator.guild_id >> 22) % 2
        assert (second.id >> 22) % 2 == 1 - first_shard
        assert second.channel_ids != [emulator.lesson_channel_id, emulator.other_channel_id]
        assert second.bot_role["id"] != str(emulator.bot_role_id)
        async with shard(emulator, 0) as zero, shard(emulator, 1) as one:
            sockets = {0: zero, 1: one}
            owner = {first_shard: str(emulator.guild_id), 1 - first_shard: str(second.id)}
            for shard_id, ws in sockets.items():
                ready, created = await received(ws)
                assert [g["id"] for g in ready["d"]["guilds"]] == [owner[shard_id]]
                assert created["t"] == "GUILD_CREATE" and created["d"]["id"] == owner[shard_id]
                names = {c["name"]: c["id"] for c in created["d"]["channels"]}
                channels = emulator.state.guild_by_id(int(owner[shard_id])).channel_ids
                assert names == {"lessons": str(channels[0]), "general": str(channels[1])}
                bot_member = created["d"]["members"][0]
                assert bot_member["user"]["id"] == emulator.state.bot_user["id"]
                own_role = next(r for r in created["d"]["roles"] if r.get("tags"))
                assert bot_member["roles"] == [own_role["id"]]
            ada = emulator.add_member("ada")
            bo = emulator.add_member("bo", guild=second)
            await emulator.send_message(ada, "in the first")
            await emulator.send_message(bo, "in the second", guild=second)
            await emulator.send_dm(bo, "a DM")
            await emulator.add_role("helpers", guild=second)
            third = await emulator.add_guild(shard=first_shard)
            expected = {
                first_shard: [
                    ("MESSAGE_CREATE", owner[first_shard]),
                    ("GUILD_CREATE", str(third.id)),
                ],
                1 - first_shard: [
                    ("MESSAGE_CREATE", owner[1 - first_shard]),
                    ("GUILD_ROLE_CREATE", owner[1 - first_shard]),
                ],
            }
            expected[0].insert(1, ("MESSAGE_CREATE", None))  # the DM, on shard 0
            for shard_id, ws in sockets.items():
                assert events(await received(ws)) == expected[shard_id]


async def test_commands_and_members_belong_to_their_guild() -> None:
    async with started_emulator() as emulator, aiohttp.ClientSession() as http:
        second = await emulator.add_guild()
        ada, bo = emulator.add_member("ada"), emulator.add_member("bo", guild=second)
        url = f"{emulator.api_base}/applications/{emulator.state.application_id}"
        headers = {"Authorization": f"Bot {emulator.token}"}
        command = {"name": "progress", "description": "Your progress", "options": []}
        async with http.put(
            f"{url}/guilds/{second.id}/commands", json=[command], headers=headers
        ) as response:
            assert response.status == 200
        used = await emulator.slash(bo, "progress", guild=second)
        assert used.payload["guild_id"] == str(second.id)
        assert used.payload["channel_id"] == str(second.lesson_channel_id)
        try:
            await emulator.slash(ada, "progress")
        except LookupError:
            pass  # registered in the second guild only, so not offered in the first
        else:
            raise AssertionError("a command registered in another guild was offered")
        assert emulator.state.is_member(second, int(bo["id"]))
        assert not emulator.state.is_member(second, int(ada["id"]))
        assert not emulator.state.is_member(emulator.state.guild, int(bo["id"]))
        assert emulator.state.is_member(emulator.state.guild, int(ada["id"]))
