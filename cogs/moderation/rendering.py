"""What moderators see: a learner's record and the course funnel."""

from __future__ import annotations

import discord

from bot.core import FunnelView, LearnerReport
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import plain_name, plural, truncate, when
from bot.store import AttemptRecord

MAX_ATTEMPT_LINES = 10


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


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
