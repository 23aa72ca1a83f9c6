"""Sharded bot processes on one PostgreSQL database, through the emulator: each process a
real `python -m bot run --shard-ids ... --shard-count 2`, the emulator routing the guild
to its shard and direct messages to shard 0.

- one process holding every shard: the learner and moderator flow on PostgreSQL;
- shards 0 and 1 in two processes at once: guild learners on one, DM learners on the
  other, no conflicts or lost writes, commands registered by shard 0's process only;
- the guild's shard moving to a new process keeps a setting changed just before.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.core import DM_SCOPE, guild_scope
from bot.store import PostgresStore
from lessons import load_course
from tests.discord_emulator import DiscordEmulator, Json
from tests.discord_emulator.harness import (
    attachment_bytes,
    button_ids,
    fenced,
    passed,
    started_emulator,
)

REPO = Path(__file__).resolve().parents[1]
COURSE = load_course()
FIRST, SECOND = COURSE.lessons[:2]
WAIT_S = 90.0


def bot_env(emulator: DiscordEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
    return env | {
        "DATABASE_URL": database_url,
        "SANDBOX_WORKERS": "1",
        "SUBMISSION_COOLDOWN": "0",
        "DISCORD_TOKEN": emulator.token,
        "DEV_GUILD_ID": str(emulator.guild_id),
        "DISCORD_API_BASE": emulator.api_base,
        "DISCORD_GATEWAY_URL": emulator.gateway_url,
    }


@asynccontextmanager
async def bot_process(
    emulator: DiscordEmulator, database_url: str, tmp_path: Path, shards: str, count: int = 2
) -> AsyncIterator[Path]:
    """`python -m bot run` holding `shards`; yields its log file. Stopped with SIGTERM."""
    log = tmp_path / f"bot-shards-{shards.replace(',', '-')}-{len(list(tmp_path.iterdir()))}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            str(tmp_path / "absent.env"),
            "run",
            "--shard-ids",
            shards,
            "--shard-count",
            str(count),
            env=bot_env(emulator, database_url),
            cwd=REPO,
            stdout=out,
            stderr=out,
        )
        try:
            wanted = {(int(s), count) for s in shards.split(",")}
            await emulator.state.wait_until(
                lambda: wanted <= emulator.gateway.shards_connected() or process.returncode, WAIT_S
            )
            assert process.returncode is None, log.read_text()
            yield log
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), WAIT_S)
    text = log.read_text()
    assert process.returncode == 0, text
    assert "Traceback" not in text, text


def guild_shard(emulator: DiscordEmulator, count: int = 2) -> int:
    return (emulator.guild_id >> 22) % count


async def pass_first_lesson_in_guild(emulator: DiscordEmulator, member: Json) -> None:
    message = await emulator.send_message(member, fenced(FIRST.solution))
    assert passed(await emulator.wait_for_reply(message, timeout=WAIT_S))


async def pass_first_lesson_in_dm(emulator: DiscordEmulator, member: Json) -> None:
    message = await emulator.send_dm(member, fenced(FIRST.solution))
    assert passed(await emulator.wait_for_reply(message, timeout=WAIT_S))


async def confirmed(emulator: DiscordEmulator, mod: Json, path: str, **options: object) -> Json:
    """A moderator action that asks first, confirmed; the prompt as it ends up."""
    asked = await emulator.slash(mod, path, **options)
    prompt = await emulator.wait_for_response(asked, timeout=WAIT_S)
    confirm = button_ids(prompt)[0]  # Confirm, then Cancel
    pressed = await emulator.click(mod, prompt, confirm)
    await emulator.wait_for_callback(pressed, timeout=WAIT_S)
    return prompt


async def test_one_process_holding_every_shard_teaches_and_moderates_on_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    async with started_emulator() as emulator:
        async with bot_process(emulator, postgres_url, tmp_path, "0,1") as log:
            ada, bob, mod = (emulator.add_member(name) for name in ("ada", "bob", "mod"))
            await pass_first_lesson_in_guild(emulator, ada)
            await pass_first_lesson_in_guild(emulator, bob)
            await pass_first_lesson_in_dm(emulator, ada)
            third = str(SECOND.number + 1)
            prompt = await confirmed(emulator, mod, "tutor unlock", member=ada, lesson=third)
            assert prompt["content"].startswith(f"Done: lesson {third} is open")
            prompt = await confirmed(emulator, mod, "tutor reset", member=bob)
            asked = await emulator.slash(ada, "progress")
            assert (await emulator.wait_for_response(asked, timeout=WAIT_S))["embeds"]
            asked = await emulator.slash(mod, "tutor export")
            exported = await emulator.wait_for_response(asked, timeout=WAIT_S)
            (attachment,) = exported["attachments"]
            rows = attachment_bytes(exported, attachment["filename"]).decode().splitlines()
            assert len(rows) == 1 + len(COURSE)  # the header, then ada's lessons (bob is reset)
            asked = await emulator.slash(mod, "tutor stats")
            stats = await emulator.wait_for_response(asked, timeout=WAIT_S)
            assert stats["embeds"]
        assert "shard(s) 0,1 of 2" in log.read_text()
    async with PostgresStore(postgres_url) as store:
        scope = guild_scope(emulator.guild_id)
        progress = await store.progress(scope, ada["id"])
        assert progress[FIRST.id].completed and progress[COURSE.lessons[2].id].earned_unlock
        assert await store.get_learner(scope, bob["id"]) is None
        assert (await store.leaderboard(scope, 0, 10)).total == 1
        assert (await store.leaderboard(DM_SCOPE, 0, 10)).total == 1
        assert [e.action for e in await store.audit_log(scope)] == ["reset", "unlock"]


async def test_two_processes_as_shards_0_and_1_share_one_database(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        started_emulator() as emulator,
        bot_process(emulator, postgres_url, tmp_path, "0") as first_log,
        bot_process(emulator, postgres_url, tmp_path, "1") as second_log,
    ):
        # Only shard 0's process registers the development guild's commands.
        assert emulator.state.command_puts == [f"guild:{emulator.guild_id}"]
        in_guild = [emulator.add_member(f"g{n}") for n in range(3)]
        in_dm = [emulator.add_member(f"d{n}") for n in range(3)]
        # The guild's shard and shard 0 (DMs) work at the same time.
        await asyncio.gather(
            *(pass_first_lesson_in_guild(emulator, m) for m in in_guild),
            *(pass_first_lesson_in_dm(emulator, m) for m in in_dm),
        )
    logs = {0: first_log.read_text(), 1: second_log.read_text()}
    assert "shard(s) 0 of 2" in logs[0] and "shard(s) 1 of 2" in logs[1]
    # The guild's learners were graded by its shard's process, DMs by shard 0's.
    scope = guild_scope(emulator.guild_id)
    graded_by = {
        shard: (text.count(f"graded {scope}/"), text.count(f"graded {DM_SCOPE}/"))
        for shard, text in logs.items()
    }
    expected = {0: [0, len(in_dm)], 1: [0, 0]}
    expected[guild_shard(emulator)][0] = len(in_guild)
    assert graded_by == {shard: tuple(counts) for shard, counts in expected.items()}
    async with PostgresStore(postgres_url) as store:
        for scope, members in ((guild_scope(emulator.guild_id), in_guild), (DM_SCOPE, in_dm)):
            assert (await store.leaderboard(scope, 0, 10)).total == len(members)
            for member in members:
                assert len(await store.attempts(scope, member["id"])) == 1


async def test_a_setting_changed_just_before_a_shard_moves_is_in_force_after(
    tmp_path: Path, postgres_url: str
) -> None:
    shard = None
    async with started_emulator() as emulator:
        shard = str(guild_shard(emulator))
        mod, gia = emulator.add_member("mod"), emulator.add_member("gia")
        # Shard 0's process registers commands at start; without it, `python -m bot sync`.
        sync = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            str(tmp_path / "absent.env"),
            "sync",
            "--guild",
            str(emulator.guild_id),
            env=bot_env(emulator, postgres_url),
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(sync.communicate(), WAIT_S)
        assert sync.returncode == 0, err.decode()
        async with bot_process(emulator, postgres_url, tmp_path, shard):
            asked = await emulator.slash(
                mod, "tutor config channel-add", channel=emulator.channel(emulator.other_channel_id)
            )
            shown = await emulator.wait_for_response(asked, timeout=WAIT_S)
            assert "is now a lesson channel" in shown["content"]
        # The shard moves: a new process (here holding both shards) takes the guild over.
        async with bot_process(emulator, postgres_url, tmp_path, "0,1"):
            ignored = await emulator.send_message(gia, fenced(FIRST.solution))
            graded = await emulator.send_message(
                gia, fenced(FIRST.solution), channel_id=emulator.other_channel_id
            )
            assert passed(await emulator.wait_for_reply(graded, timeout=WAIT_S))
            assert emulator.replies_to(ignored) == []  # graded in order: it was passed over
