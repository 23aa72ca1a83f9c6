"""Text that goes into Discord: truncated to a limit, with learner text defused.

Learner output is quoted inside code blocks, so a ``` in it would close the block early
and let the rest render as Markdown: we break every fence with a zero-width space.
Outside code blocks (a verdict's message, an exception's text) a learner could also write
a masked link, `[looks harmless](https://elsewhere)`, which the bot would then post as its
own: `defuse` breaks those too, leaving the address visible as plain text.
"""

from __future__ import annotations

import discord

from lessons.course import Lesson

ZERO_WIDTH_SPACE = "\u200b"
ELLIPSIS = "…"


def defuse_fences(text: str) -> str:
    return text.replace("```", f"`{ZERO_WIDTH_SPACE}`{ZERO_WIDTH_SPACE}`")


def defuse(text: str) -> str:
    """Learner text for outside a code block: no fences, no masked links."""
    return defuse_fences(text).replace("](", f"]{ZERO_WIDTH_SPACE}(")


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def code_block(code: str, limit: int, language: str = "python") -> str:
    """A fenced block that fits `limit`, cut at a line boundary with a note when too long."""
    opening, closing = f"```{language}\n", "\n```"
    body = defuse_fences(code.rstrip("\n"))
    room = limit - len(opening) - len(closing)
    if len(body) > room:
        note = f"\n# {ELLIPSIS} cut to fit"
        cut = body[: max(0, room - len(note))]
        body = (cut.rsplit("\n", 1)[0] if "\n" in cut else cut) + note
    return opening + body + closing


def numbered_output(stdout: str, limit: int, max_lines: int = 20) -> str:
    """Printed output as a block with line numbers, the first `max_lines` lines at most."""
    lines = stdout.rstrip("\n").split("\n")
    shown = lines[:max_lines]
    width = len(str(len(shown)))
    numbered = [f"{i:>{width}} | {line}" for i, line in enumerate(shown, start=1)]
    hidden = len(lines) - len(shown)
    if hidden:
        numbered.append(f"{ELLIPSIS} {hidden} more line{'s' if hidden != 1 else ''}")
    opening, closing = "```\n", "\n```"
    room = limit - len(opening) - len(closing)
    body = defuse_fences("\n".join(numbered))
    return opening + truncate(body, room) + closing


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """ "1 attempt", "2 attempts"."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def plain_name(name: str) -> str:
    """A member's name as it reads, with nothing in it taken as Markdown or a mention."""
    escaped = discord.utils.escape_markdown(discord.utils.escape_mentions(name))
    return defuse(escaped)


def lesson_title(lesson: Lesson) -> str:
    return f"Lesson {lesson.number} · {lesson.title}"


def when(timestamp: float | None) -> str:
    """A Discord timestamp: every reader sees it in their own time zone, relatively."""
    return "—" if timestamp is None else f"<t:{int(timestamp)}:R>"
