"""Settings that would hand out moderation are refused, through the emulator; members
without rights stay refused; delivery problems reach the moderators; resets say what they
forget, and what they leave open."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.core import Learner, ScopeConfig, guild_scope
from bot.core.scope_config import BOT_ACTOR, MODERATOR_ROLE
from bot.discord_app.prompts import prompt_custom_id
from bot.store import NewAttempt
from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import MEMBER_PERMISSIONS, Running, bot_on_emulator, fenced
from tests.discord_emulator.payloads import ADMINISTRATOR, EVERYONE_PERMISSIONS
from tests.discord_emulator.state import MANAGE_ROLES, SEND_MESSAGES

COURSE = load_course()
FIRST, LAST = COURSE.lessons[0], COURSE.lessons[-1]
EPHEMERAL = 1 << 6
MANAGE_GUILD = 1 << 5


def scope_of(running: Running) -> str:
    return guild_scope(running.discord.guild_id)


def field(message: Json, name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


async def answer(running: Running, who: Json, path: str, **options: object) -> Json:
    """The bot's first answer to a slash command, as a callback body."""
    asked = await running.discord.slash(who, path, **options)
    return await running.discord.wait_for_callback(asked)


async def refused_setting(running: Running, mod: Json, path: str, role_id: int) -> str:
    said = await answer(running, mod, f"tutor config {path}", role=running.discord.role(role_id))
    assert said["type"] == 4 and said["data"]["flags"] & EPHEMERAL
    assert "embeds" not in said["data"] or not said["data"]["embeds"]  # no settings shown
    return str(said["data"]["content"])


async def learner_with_progress(running: Running, name: str) -> Json:
    member = running.discord.add_member(name)
    await running.bot.core.submit(Learner(scope_of(running), member["id"], name), FIRST.solution)
    return member


async def assert_reset_refused(running: Running, member: Json, roles: list[int], ann: Json) -> None:
    """`member`, with no Manage Server, can't reset `ann`: refused, and nothing is lost."""
    said = await answer(
        running, member, "tutor reset", member=ann, permissions=MEMBER_PERMISSIONS, roles=roles
    )
    assert "for the server's moderators" in said["data"]["content"]
    assert said["data"].get("components", []) == []  # no confirmation to press
    assert await running.bot.core.store.progress(scope_of(running), ann["id"])


async def test_moderator_role_refuses_everyone_managed_and_administrator_roles(
    tmp_path: Path,
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, eve = discord_.add_member("mod"), discord_.add_member("eve")
        ann = await learner_with_progress(running, "ann")
        other_bot = discord_.add_member("other-bot")
        managed = await discord_.add_role("Other Bot", managed_by=other_bot)
        admins = await discord_.add_role("admins", str(ADMINISTRATOR))

        said = await refused_setting(running, mod, "moderator-role", discord_.guild_id)
        assert said.startswith("Not changed: @everyone can't be the moderator role")
        said = await refused_setting(running, mod, "moderator-role", managed)
        assert said.startswith(f"Not changed: <@&{managed}> is managed by a bot")
        said = await refused_setting(running, mod, "moderator-role", admins)
        assert said.startswith(f"Not changed: <@&{admins}> carries Administrator")
        config = await running.bot.core.config(scope_of(running))
        assert config.moderator_role is None
        assert await running.bot.core.moderation.audit_log(scope_of(running)) == []

        # Eve, with no rights, still can't wipe anyone's progress, whatever role she has.
        await assert_reset_refused(running, eve, [], ann)
        await assert_reset_refused(running, eve, [managed], ann)


async def test_a_stored_everyone_moderator_role_grants_nothing(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        eve = running.discord.add_member("eve")
        ann = await learner_with_progress(running, "ann")
        # As a database written before the bot refused it would have it.
        await running.bot.core.configs.set(
            scope_of(running), MODERATOR_ROLE, str(running.discord.guild_id)
        )
        await assert_reset_refused(running, eve, [], ann)


async def test_the_completion_role_never_grants_moderation(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, eve = discord_.add_member("mod"), discord_.add_member("eve")
        ann = await learner_with_progress(running, "ann")
        tutors, graduates = await discord_.add_role("tutors"), await discord_.add_role("grads")
        managers = await discord_.add_role("managers", str(MANAGE_GUILD))

        await answer(running, mod, "tutor config moderator-role", role=discord_.role(tutors))
        said = await refused_setting(running, mod, "completion-role", tutors)
        assert said.startswith("Not changed: that role is the moderator role")
        said = await refused_setting(running, mod, "completion-role", managers)
        assert said.startswith(f"Not changed: <@&{managers}> carries Manage Server")
        said = await refused_setting(running, mod, "completion-role", discord_.guild_id)
        assert said.startswith("Not changed: @everyone can't be the completion role")

        # The reverse order: the completion role first, then the same role for moderators.
        await answer(running, mod, "tutor config completion-role", role=discord_.role(graduates))
        said = await refused_setting(running, mod, "moderator-role", graduates)
        assert said.startswith("Not changed: that role is the completion role")
        config = await running.bot.core.config(scope_of(running))
        assert (config.moderator_role, config.completion_role) == (str(tutors), str(graduates))

        # A graduate without Manage Server is no moderator.
        await assert_reset_refused(running, eve, [graduates], ann)


async def eventually(running: Running, probe: Callable[[ScopeConfig], bool]) -> ScopeConfig:
    """The guild's settings once `probe` holds: the bot records delivery problems after
    the learner's verdict, with nothing in the emulator to wait on."""
    for _ in range(600):
        config = await running.bot.core.config(scope_of(running))
        if probe(config):
            return config
        await asyncio.sleep(0.05)
    raise AssertionError("the settings never got there")


async def finish_the_course(running: Running, member: Json) -> None:
    """Every lesson but the last passed in the store; then the last one through chat."""
    scope, store = scope_of(running), running.bot.core.store
    await running.bot.core.progress(Learner(scope, member["id"], member["username"]))
    for lesson, following in zip(COURSE.lessons, COURSE.lessons[1:], strict=False):
        attempt = NewAttempt(lesson.id, "passed", True, False, lesson.solution)
        await store.record_attempt(scope, member["id"], attempt, unlock=following.id)
    await store.set_current_lesson(scope, member["id"], LAST.id)
    message = await running.discord.send_message(member, fenced(LAST.solution))
    reply = await running.discord.wait_for_reply(message)
    assert "🎓" in str(reply["embeds"][0])


async def test_a_completion_role_the_bot_cannot_give_is_flagged_to_moderators(
    tmp_path: Path,
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, ivy = discord_.add_member("mod"), discord_.add_member("ivy")
        graduates = await discord_.add_role("graduates", position=60)  # above the bot's role
        shown = await running.discord.wait_for_response(
            await discord_.slash(mod, "tutor config completion-role", role=discord_.role(graduates))
        )
        assert "⚠️ But I can't give it to anyone yet" in shown["content"]
        assert "is not below my highest role" in shown["content"]
        assert "Drag my role above it" in field(shown, "Completion role")

        # Moved above it, but without Manage Roles.
        await discord_.change_bot_role(
            position=70, permissions=int(EVERYONE_PERMISSIONS) & ~MANAGE_ROLES
        )
        shown = await running.discord.wait_for_response(
            await discord_.slash(mod, "tutor config show")
        )
        assert "I don't have Manage Roles" in field(shown, "Completion role")

        # A learner finishes anyway: the verdict is theirs, the problem goes to moderators.
        await finish_the_course(running, ivy)
        scope = scope_of(running)
        config = await eventually(running, lambda c: c.completion_role_problem is not None)
        assert "Manage Roles" in str(config.completion_role_problem)
        assert discord_.state.member_roles == []
        log = await running.bot.core.moderation.audit_log(scope)
        assert log[0].actor == BOT_ACTOR
        shown = await running.discord.wait_for_response(await discord_.slash(mod, "tutor audit"))
        assert "completion role could not be given" in shown["embeds"][0]["description"]

        # Given the permission back, the next graduate gets the role and the warning goes.
        await discord_.change_bot_role(permissions=int(EVERYONE_PERMISSIONS))
        zoe = discord_.add_member("zoe")
        await finish_the_course(running, zoe)
        await discord_.state.wait_until(lambda: discord_.state.member_roles or None, 30)
        assert discord_.state.member_roles == [(int(zoe["id"]), graduates)]
        await eventually(running, lambda c: c.completion_role_problem is None)
        shown = await running.discord.wait_for_response(
            await discord_.slash(mod, "tutor config show")
        )
        assert field(shown, "Completion role") == f"<@&{graduates}>"


async def test_an_announcement_channel_the_bot_cannot_post_in_is_flagged(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod = discord_.add_member("mod")
        await discord_.deny_bot(discord_.other_channel_id, SEND_MESSAGES)
        shown = await running.discord.wait_for_response(
            await discord_.slash(
                mod,
                "tutor config announcement-channel",
                channel=discord_.channel(discord_.other_channel_id),
            )
        )
        assert "⚠️ But I can't announce there yet" in shown["content"]
        assert "I can't send messages in" in field(shown, "Completion announcements")

        # A learner finishes: their verdict is untouched, the moderators are told.
        await finish_the_course(running, discord_.add_member("ivy"))
        config = await eventually(running, lambda c: c.announcement_problem is not None)
        assert "I can't send messages in" in str(config.announcement_problem)
        shown = await running.discord.wait_for_response(await discord_.slash(mod, "tutor audit"))
        assert "a completion could not be announced" in shown["embeds"][0]["description"]


async def test_resetting_nothing_says_so_at_once_without_a_prompt_or_an_audit_entry(
    tmp_path: Path,
) -> None:
    async with bot_on_emulator(tmp_path) as running:
        mod, ann = running.discord.add_member("mod"), running.discord.add_member("ann")
        said = await answer(running, mod, "tutor reset", member=ann)
        assert said["data"]["content"] == f"Nothing to reset: <@{ann['id']}> has no progress yet."
        assert said["data"]["flags"] & EPHEMERAL and not said["data"].get("components")
        bea = await learner_with_progress(running, "bea")
        said = await answer(running, mod, "tutor reset", member=bea, lesson="2")
        assert said["data"]["content"].startswith(
            f"Nothing to reset: <@{bea['id']}> has no progress in lesson 2"
        )
        assert await running.bot.core.moderation.audit_log(scope_of(running)) == []


async def test_resetting_lesson_1_says_which_later_lessons_stay_open(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        mod, ann = running.discord.add_member("mod"), running.discord.add_member("ann")
        scope, store = scope_of(running), running.bot.core.store
        await store.ensure_learner(scope, ann["id"], "ann")
        for lesson, following in zip(COURSE.lessons[:2], COURSE.lessons[1:3], strict=True):
            attempt = NewAttempt(lesson.id, "passed", True, False, lesson.solution)
            await store.record_attempt(scope, ann["id"], attempt, unlock=following.id)

        asked = await running.discord.slash(mod, "tutor reset", member=ann, lesson="1")
        prompt = await running.discord.wait_for_response(asked)
        assert "Lessons 2 and 3 stay open: they were unlocked before." in prompt["content"]
        confirm = prompt_custom_id(running.bot.session, "confirm")
        await running.discord.wait_for_callback(await running.discord.click(mod, prompt, confirm))
        assert prompt["content"].startswith(f"Done: lesson 1 ({FIRST.title}) reset for")
        statuses = await running.bot.core.list_lessons(Learner(scope, ann["id"], "ann"))
        assert [s.unlocked for s in statuses[:4]] == [True, True, True, False]
        assert not statuses[0].completed
