"""Sharded bot processes on one PostgreSQL database, through the emulator: each process a
real `python -m bot run --shard-ids ... --shard-count 2`, the emulator routing each guild
to its shard and direct messages to shard 0.

- one process holding every shard: the learner and moderator flow on PostgreSQL;
- shards 0 and 1 in two processes at once, with a guild on each: learners and moderators
  in both guilds and learners in DMs all at the same time, each graded by the process
  holding its shard, every write in its own scope, none lost, commands registered at
  start by shard 0's process only;
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
from tests.discord_emulator import DiscordEmulator, Guild, Json
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
UNANSWERED_S = 5.0  # a click not answered by then was dropped (Discord allows 3 s)


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


async def sync_commands(
    emulator: DiscordEmulator, database_url: str, tmp_path: Path, guild_id: int
) -> None:
    """`python -m bot sync --guild`: how commands reach a guild besides DEV_GUILD_ID's."""
    sync = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--env-file",
        str(tmp_path / "absent.env"),
        "sync",
        "--guild",
        str(guild_id),
        env=bot_env(emulator, database_url),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(sync.communicate(), WAIT_S)
    assert sync.returncode == 0, err.decode()


def guild_shard(emulator: DiscordEmulator, count: int = 2) -> int:
    return (emulator.guild_id >> 22) % count


async def pass_first_lesson_in_guild(
    emulator: DiscordEmulator, member: Json, guild: Guild | None = None
) -> None:
    message = await emulator.send_message(member, fenced(FIRST.solution), guild=guild)
    assert passed(await emulator.wait_for_reply(message, timeout=WAIT_S))


async def pass_first_lesson_in_dm(emulator: DiscordEmulator, member: Json) -> None:
    message = await emulator.send_dm(member, fenced(FIRST.solution))
    assert passed(await emulator.wait_for_reply(message, timeout=WAIT_S))


async def confirmed(
    emulator: DiscordEmulator, mod: Json, path: str, guild: Guild | None = None, **options: object
) -> Json:
    """A moderator action that asks first, confirmed; the prompt as it ends up."""
    asked = await emulator.slash(mod, path, guild=guild, **options)
    prompt = await emulator.wait_for_response(asked, timeout=WAIT_S)
    confirm = button_ids(prompt)[0]  # Confirm, then Cancel
    # discord.py files the prompt's buttons only once its callback's HTTP answer is back, so
    # a click racing that answer is dropped unanswered ("This interaction failed" on
    # Discord); the moderator clicks again. A click answered twice would show in the audit.
    for _ in range(int(WAIT_S / UNANSWERED_S)):
        pressed = await emulator.click(mod, prompt, confirm)
        try:
            await emulator.wait_for_callback(pressed, timeout=UNANSWERED_S)
            return prompt
        except TimeoutError:
            continue
    raise AssertionError(f"{path}: the Confirm click was never answered")


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


THIRD = str(SECOND.number + 1)


async def teach_and_moderate(
    emulator: DiscordEmulator, guild: Guild, learners: list[Json], mod: Json
) -> None:
    """The guild's learners pass lesson 1 together; then its moderator opens lesson 3 for
    the first and resets the second."""
    await asyncio.gather(*(pass_first_lesson_in_guild(emulator, m, guild) for m in learners))
    opened = await confirmed(
        emulator, mod, "tutor unlock", guild=guild, member=learners[0], lesson=THIRD
    )
    assert opened["content"].startswith(f"Done: lesson {THIRD} is open")
    await confirmed(emulator, mod, "tutor reset", guild=guild, member=learners[1])


async def test_two_processes_as_shards_0_and_1_share_one_database(
    tmp_path: Path, postgres_url: str
) -> None:
    async with started_emulator() as emulator:
        other = await emulator.add_guild()  # on the other shard than the default guild
        guilds = {guild_shard(emulator): emulator.state.guild, 1 - guild_shard(emulator): other}
        await sync_commands(emulator, postgres_url, tmp_path, other.id)
        async with (
            bot_process(emulator, postgres_url, tmp_path, "0") as first_log,
            bot_process(emulator, postgres_url, tmp_path, "1") as second_log,
        ):
            # Only shard 0's process registers the development guild's commands at start.
            assert emulator.state.command_puts == [
                f"guild:{other.id}",
                f"guild:{emulator.guild_id}",
            ]
            learners = {
                shard: [emulator.add_member(f"s{shard}-{n}", guild) for n in range(3)]
                for shard, guild in guilds.items()
            }
            mods = {
                shard: emulator.add_member(f"mod{shard}", guild) for shard, guild in guilds.items()
            }
            in_dm = [emulator.add_member(f"d{n}") for n in range(3)]
            # Both guilds' learners and moderators, and DM learners, at the same time.
            await asyncio.gather(
                *(teach_and_moderate(emulator, guilds[s], learners[s], mods[s]) for s in guilds),
                *(pass_first_lesson_in_dm(emulator, m) for m in in_dm),
            )
    logs = {0: first_log.read_text(), 1: second_log.read_text()}
    assert "shard(s) 0 of 2" in logs[0] and "shard(s) 1 of 2" in logs[1]
    # Each guild's learners were graded by its shard's process, DMs by shard 0's.
    scopes = {shard: guild_scope(guild.id) for shard, guild in guilds.items()}
    for shard, text in logs.items():
        graded = {scope: text.count(f"graded {scope}/") for scope in (*scopes.values(), DM_SCOPE)}
        expected = {scope: 0 for scope in graded} | {scopes[shard]: len(learners[shard])}
        expected[DM_SCOPE] = len(in_dm) if shard == 0 else 0
        assert graded == expected, shard
    async with PostgresStore(postgres_url) as store:
        for shard, scope in scopes.items():
            first, reset, kept = learners[shard]
            progress = await store.progress(scope, first["id"])
            assert progress[FIRST.id].completed and progress[COURSE.lessons[2].id].earned_unlock
            assert await store.get_learner(scope, reset["id"]) is None
            for member in (first, kept):
                assert len(await store.attempts(scope, member["id"])) == 1
            assert (await store.leaderboard(scope, 0, 10)).total == 2
            audit = await store.audit_log(scope)
            assert [(e.action, e.user_id, e.actor.split()[0]) for e in audit] == [
                ("reset", reset["id"], mods[shard]["id"]),
                ("unlock", first["id"], mods[shard]["id"]),
            ]
            # Nothing of this guild's landed in the other guild's scope.
            elsewhere = scopes[1 - shard]
            for member in learners[shard]:
                assert await store.get_learner(elsewhere, member["id"]) is None
                assert await store.get_learner(DM_SCOPE, member["id"]) is None
        assert (await store.leaderboard(DM_SCOPE, 0, 10)).total == len(in_dm)
        for member in in_dm:
            assert len(await store.attempts(DM_SCOPE, member["id"])) == 1
            for scope in scopes.values():
                assert await store.get_learner(scope, member["id"]) is None


async def test_a_setting_changed_just_before_a_shard_moves_is_in_force_after(
    tmp_path: Path, postgres_url: str
) -> None:
    shard = None
    async with started_emulator() as emulator:
        shard = str(guild_shard(emulator))
        mod, gia = emulator.add_member("mod"), emulator.add_member("gia")
        # Shard 0's process registers commands at start; without it, `python -m bot sync`.
        await sync_commands(emulator, postgres_url, tmp_path, emulator.guild_id)
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
