"""What moderators see: the leaderboard, a learner's record, the funnel, the settings."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.core import FunnelView, LeaderboardPage, LearnerReport, ScopeConfig
from bot.core.scope_config import describe_solution_policy
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import plain_name, plural, truncate
from bot.store import AttemptRecord

MAX_ATTEMPT_LINES = 10


@dataclass(frozen=True)
class DeliveryProblems:
    """Why the completion role or announcement can't be delivered (None: it can)."""

    completion_role: str | None = None
    announcement: str | None = None


def when(timestamp: float | None) -> str:
    """A Discord timestamp: every reader sees it in their own time zone, relatively."""
    return "—" if timestamp is None else f"<t:{int(timestamp)}:R>"


def leaderboard_embed(board: LeaderboardPage, titles: dict[str, str]) -> discord.Embed:
    embed = discord.Embed(title="🏆 Leaderboard", colour=discord.Colour.gold())
    if board.total == 0:
        embed.description = "Nobody has passed a lesson here yet."
        return embed
    lines = []
    for row in board.entries:
        # The mention may show as "@unknown-user" to a moderator whose client has not
        # loaded that member: the name beside it says who it is.
        where = (
            "🎓 finished the course"
            if row.completed >= len(titles)
            else f"now on {titles.get(row.current_lesson_id or '', '—')}"
        )
        lines.append(
            f"**{row.rank}.** <@{row.user_id}> ({plain_name(truncate(row.display_name, 32))}) · "
            f"{plural(row.completed, 'lesson')} · {where} · {plural(row.attempts, 'attempt')}"
            f" · active {when(row.last_active_at or row.last_completed_at)}"
        )
    embed.description = truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
    embed.set_footer(
        text=f"Page {board.page + 1} of {board.page_count} · {board.total} learners ranked"
        " · rank, learner, lessons completed, current lesson, attempts, last activity"
    )
    return embed


def learner_embed(report: LearnerReport, mention: str, total: int) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"Learner {plain_name(report.learner.display_name)}", limits.EMBED_TITLE),
        colour=discord.Colour.blurple(),
        description=(
            f"{mention} · **{report.completed}/{total}** lessons passed · last active "
            f"{when(report.last_active_at)}"
        ),
    )
    lines = []
    for status in report.lessons:
        mark = "✅" if status.completed else "🔓" if status.unlocked else "🔒"
        tries = f" · {plural(status.attempts, 'attempt')}" if status.attempts else ""
        hints = f" · {plural(status.hints_shown, 'hint')}" if status.hints_shown else ""
        lines.append(f"{mark} {status.lesson.number}. {status.lesson.title}{tries}{hints}")
    embed.add_field(
        name="Lessons", value=truncate("\n".join(lines), limits.EMBED_FIELD_VALUE), inline=False
    )
    numbers = {s.lesson.id: s.lesson.number for s in report.lessons}
    attempts = [attempt_line(a, numbers) for a in report.attempts[:MAX_ATTEMPT_LINES]]
    embed.add_field(
        name="Recent attempts",
        value=truncate("\n".join(attempts), limits.EMBED_FIELD_VALUE) if attempts else "none yet",
        inline=False,
    )
    if report.last_code is not None:
        embed.set_footer(text="The last submitted code is attached.")
    return embed


def attempt_line(attempt: AttemptRecord, numbers: dict[str, int]) -> str:
    mark = "✅" if attempt.passed else "❌"
    lesson = numbers.get(attempt.lesson_id, attempt.lesson_id)
    failed = [str(c.get("name")) for c in attempt.checks if c.get("passed") is False]
    detail = f" · failed: {', '.join(f'`{name}`' for name in failed)}" if failed else ""
    status = attempt.status.replace("_", " ")
    return f"{mark} lesson {lesson} · {status}{detail} · {when(attempt.created_at)}"


def funnel_embed(funnel: FunnelView, image_name: str | None) -> discord.Embed:
    lines = [
        f"**{funnel.learners}** learners here, **{funnel.finished}** finished the course.",
        "-# reached: the lesson is open to them · stuck: not passed after a failed attempt"
        " · mistake: the first check a failed attempt failed",
        "",
    ]
    for row in funnel.lessons:
        top = ""
        if row.top_failing_check:
            check = next((c for c in row.lesson.checks if c.name == row.top_failing_check), None)
            about = f" — {check.describe}" if check is not None else ""
            top = (
                f"\n  most common mistake: `{row.top_failing_check}`{about} "
                f"({_times(row.top_failing_count)})"
            )
        lines.append(
            f"**{row.lesson.number}. {row.lesson.title}** — reached {row.reached}, "
            f"passed {row.passed}, stuck {row.stuck}{top}"
        )
    embed = discord.Embed(
        title="📊 Course funnel",
        colour=discord.Colour.blurple(),
        description=truncate("\n".join(lines), limits.EMBED_DESCRIPTION),
    )
    if image_name is not None:
        embed.set_image(url=f"attachment://{image_name}")
    return embed


def config_embed(
    config: ScopeConfig, default_after_failures: int, problems: DeliveryProblems | None = None
) -> discord.Embed:
    problems = problems or DeliveryProblems()
    channels = ", ".join(f"<#{c}>" for c in config.lesson_channels) or "every channel"
    after = config.solution_threshold(default_after_failures)
    policy = describe_solution_policy(after)
    if config.solution_after_failures is None:
        policy += " (the bot's default)"
    embed = discord.Embed(title="⚙️ Tutor settings", colour=discord.Colour.dark_grey())
    embed.add_field(name="Lesson channels", value=channels, inline=False)
    embed.add_field(name="Moderator role", value=_role(config.moderator_role), inline=False)
    embed.add_field(name="Solutions", value=policy, inline=False)
    embed.add_field(
        name="Completion role",
        value=_warned(_role(config.completion_role), problems.completion_role),
        inline=False,
    )
    announcements = f"<#{config.announcement_channel}>" if config.announcement_channel else "off"
    embed.add_field(
        name="Completion announcements",
        value=_warned(announcements, problems.announcement),
        inline=False,
    )
    return embed


def _warned(value: str, problem: str | None) -> str:
    if problem is None:
        return value
    return truncate(f"{value}\n⚠️ Can't deliver it: {problem}", limits.EMBED_FIELD_VALUE)


def _role(role_id: str | None) -> str:
    return f"<@&{role_id}>" if role_id else "none"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
