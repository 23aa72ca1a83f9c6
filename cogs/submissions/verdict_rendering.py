"""A graded submission as one embed: checks, loss change, printed output, the error."""

from __future__ import annotations

import math

import discord

from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import (
    code_block,
    defuse,
    lesson_title,
    numbered_output,
    truncate,
)
from lessons.course import Lesson
from lessons.verdict import Verdict

# Sandbox statuses a learner may see, in their words; anything else is shown as is.
STATUS_HEADLINES = {
    "passed": "✅ Passed",
    "failed": "❌ Not yet",
    "not_attempted": "✏️ Not attempted yet",
    "timeout": "⏱️ Timed out",
    "memory": "🧠 Out of memory",
    "output_limit": "📜 Too much output",
    "syntax_error": "⚠️ Syntax error",
    "error": "💥 Your code raised an error",
    "rejected": "🚫 Not allowed in the sandbox",
    "crashed": "💥 The run crashed",
}
CHECK_MARKS = {True: "✅", False: "❌", None: "⚪"}
CHECKS_ROOM = 2_400  # leaves room for the fields under the 6,000 total


def verdict_embed(
    verdict: Verdict,
    lesson: Lesson,
    *,
    unlocked: Lesson | None = None,
    course_completed: bool = False,
) -> discord.Embed:
    headline = STATUS_HEADLINES.get(verdict.status, verdict.status.replace("_", " ").capitalize())
    colour = discord.Colour.green() if verdict.passed else discord.Colour.red()
    embed = discord.Embed(
        title=truncate(f"{headline} — {lesson_title(lesson)}", limits.EMBED_TITLE),
        colour=colour,
        description=_description(verdict),
    )
    loss = _loss_field(verdict.metrics)
    if loss:
        embed.add_field(name="Loss", value=loss, inline=False)
    if verdict.error is not None:
        embed.add_field(name="Error", value=_error_text(verdict), inline=False)
    if verdict.stdout.strip():
        embed.add_field(
            name="Printed output",
            value=numbered_output(verdict.stdout, limits.EMBED_FIELD_VALUE),
            inline=False,
        )
    if course_completed:
        embed.set_footer(text="🎓 You finished the whole course. Well done!")
    elif unlocked is not None:
        embed.set_footer(text=f"🔓 Lesson {unlocked.number} unlocked: {unlocked.title}")
    return embed


def _description(verdict: Verdict) -> str:
    lines = [truncate(defuse(verdict.message), 500)] if verdict.message else []
    shown = 0
    check_lines = verdict.check_lines()
    for i, (names, passed, message) in enumerate(check_lines):
        mark = CHECK_MARKS[passed]
        named = ", ".join(f"**{name}**" for name in names)
        line = truncate(f"{mark} {named} — {defuse(message)}", 600)
        if shown + len(line) > CHECKS_ROOM:
            lines.append(f"… and {sum(len(n) for n, _, _ in check_lines[i:])} more checks")
            break
        lines.append(line)
        shown += len(line)
    return truncate("\n".join(lines), limits.EMBED_DESCRIPTION) or "No checks ran."


def _loss_field(metrics: dict[str, float]) -> str | None:
    before, after = metrics.get("loss_before"), metrics.get("loss_after")
    if before is None or after is None:
        return None
    text = f"`loss_before` = {before:.6g}\n`loss_after`  = {after:.6g}"
    if math.isfinite(before):
        text += f"\nchange: {loss_change(before, after)}"
    return text


BLEW_UP_FACTOR = 1000.0  # a loss this many times its start has left any sensible range


def loss_change(before: float, after: float) -> str:
    """How the loss moved, in words a learner reads at a glance: a percentage for ordinary
    changes, a factor once it more than doubled, "blew up" past that or at NaN/infinity."""
    if not math.isfinite(after):
        return f"📈 blew up (`loss_after` is {after})"
    change = after - before
    if change == 0:
        return "➖ unchanged"
    if before > 0 and after / before >= 2:
        factor = after / before
        verdict = "📈 blew up" if factor >= BLEW_UP_FACTOR else "📈 up"
        return f"{verdict}: {factor:.3g} times the starting loss"
    relative = f" ({change / before:+.1%})" if before else ""
    return f"{change:+.6g}{relative} {'📉 down' if change < 0 else '📈 up'}"


def _error_text(verdict: Verdict) -> str:
    error = verdict.error
    assert error is not None
    where = f"Line {error.line}: " if error.line else ""
    text = truncate(f"{where}**{error.type}**: {defuse(error.message)}", 500)
    if error.source_line:
        text += "\n" + code_block(error.source_line.strip(), 400)
    return truncate(text, limits.EMBED_FIELD_VALUE)
