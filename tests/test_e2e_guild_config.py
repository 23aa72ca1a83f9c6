"""`/tutor config` through the emulator: lesson channels decide where code is read, the
solution policy, and what happens when a learner completes the course."""

from __future__ import annotations

from pathlib import Path

from bot.core import Learner, guild_scope
from bot.store import NewAttempt
from lessons import load_course
from tests.discord_emulator import Json
from tests.discord_emulator.harness import MEMBER_PERMISSIONS, Running, bot_on_emulator, fenced

COURSE = load_course()
FIRST, LAST = COURSE.lessons[0], COURSE.lessons[-1]


def field(message: Json, name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


async def config(running: Running, mod: Json, path: str, **options: object) -> Json:
    asked = await running.discord.slash(mod, f"tutor config {path}", **options)
    return await running.discord.wait_for_response(asked)


async def test_lesson_channels_restrict_where_submissions_are_read(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, gia = discord_.add_member("mod"), discord_.add_member("gia")
        lessons = discord_.channel(discord_.lesson_channel_id)
        shown = await config(running, mod, "channel-add", channel=lessons)
        assert "is now a lesson channel" in shown["content"]
        assert field(shown, "Lesson channels") == f"<#{discord_.lesson_channel_id}>"

        elsewhere = await discord_.send_message(
            gia, fenced(FIRST.solution), channel_id=discord_.other_channel_id
        )
        here = await discord_.send_message(gia, fenced(FIRST.solution))
        await discord_.wait_for_reply(here)
        assert discord_.replies_to(elsewhere) == []  # graded in order: it was passed over

        shown = await config(running, mod, "channel-remove", channel=lessons)
        assert field(shown, "Lesson channels") == "every channel"
        again = await discord_.send_message(
            gia, fenced(FIRST.solution), channel_id=discord_.other_channel_id
        )
        assert (await discord_.wait_for_reply(again))["embeds"]


async def test_settings_changes_need_a_moderator_and_are_audited(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, eve = discord_.add_member("mod"), discord_.add_member("eve")
        role_id = await discord_.add_role("tutors")
        asked = await discord_.slash(
            eve,
            "tutor config moderator-role",
            permissions=MEMBER_PERMISSIONS,
            role=discord_.role(role_id),
        )
        assert (
            "for the server's moderators"
            in (await discord_.wait_for_callback(asked))["data"]["content"]
        )

        shown = await config(running, mod, "moderator-role", role=discord_.role(role_id))
        assert field(shown, "Moderator role") == f"<@&{role_id}>"
        shown = await config(running, mod, "solution-policy", after_failures=0)
        assert field(shown, "Solutions") == "solutions open only after passing the lesson"
        shown = await config(running, mod, "solution-policy")
        assert field(shown, "Solutions").endswith("(the bot's default)")

        # The moderator role now works without Manage Server.
        asked = await discord_.slash(
            eve, "tutor config show", permissions=MEMBER_PERMISSIONS, roles=[role_id]
        )
        assert field(await discord_.wait_for_response(asked), "Moderator role") == f"<@&{role_id}>"
        log = await running.bot.core.moderation.audit_log(guild_scope(discord_.guild_id))
        assert [e.detail for e in log] == [
            "solution_after_failures removed",
            "solution_after_failures = 0",
            f'moderator_role = "{role_id}"',
        ]


async def test_completing_the_course_gives_the_role_and_is_announced(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, ivy = discord_.add_member("mod"), discord_.add_member("ivy")
        role_id = await discord_.add_role("graduates")
        await config(running, mod, "completion-role", role=discord_.role(role_id))
        shown = await config(
            running,
            mod,
            "announcement-channel",
            channel=discord_.channel(discord_.other_channel_id),
        )
        assert field(shown, "Completion announcements") == f"<#{discord_.other_channel_id}>"

        # Every lesson but the last is already passed; the last one is open and current.
        scope = guild_scope(discord_.guild_id)
        store = running.bot.core.store
        await running.bot.core.progress(Learner(scope, ivy["id"], "ivy"))
        for lesson, following in zip(COURSE.lessons, COURSE.lessons[1:], strict=False):
            attempt = NewAttempt(lesson.id, "passed", True, False, lesson.solution)
            await store.record_attempt(scope, ivy["id"], attempt, unlock=following.id)
        await store.set_current_lesson(scope, ivy["id"], LAST.id)

        message = await discord_.send_message(ivy, fenced(LAST.solution))
        reply = await discord_.wait_for_reply(message)
        assert "🎓" in str(reply["embeds"][0])

        def announcement() -> Json | None:
            return next(
                (
                    m
                    for m in discord_.state.messages.values()
                    if int(m["channel_id"]) == discord_.other_channel_id
                    and "completed all" in m["content"]
                ),
                None,
            )

        said = await discord_.state.wait_until(announcement, 30)
        assert f"<@{ivy['id']}>" in said["content"]
        assert said["allowed_mentions"] == {"parse": []}  # named, not pinged
        await discord_.state.wait_until(lambda: discord_.state.member_roles or None, 30)
        assert discord_.state.member_roles == [(int(ivy["id"]), role_id)]


async def test_threads_belong_to_their_channel(tmp_path: Path) -> None:
    async with bot_on_emulator(tmp_path) as running:
        discord_ = running.discord
        mod, hal = discord_.add_member("mod"), discord_.add_member("hal")
        lessons = discord_.channel(discord_.lesson_channel_id)
        await config(running, mod, "channel-add", channel=lessons)
        inside = await discord_.create_thread(hal, discord_.lesson_channel_id, "my attempt")
        outside = await discord_.create_thread(hal, discord_.other_channel_id, "off topic")
        elsewhere = await discord_.send_message(hal, fenced(FIRST.solution), channel_id=outside)
        here = await discord_.send_message(hal, fenced(FIRST.solution), channel_id=inside)
        reply = await discord_.wait_for_reply(here)
        assert reply["embeds"][0]["title"].startswith("✅")
        assert int(reply["channel_id"]) == inside  # answered in the thread
        assert discord_.replies_to(elsewhere) == []  # handled in order: passed over
