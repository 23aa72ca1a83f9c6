"""Discord-flavoured Markdown (what lessons are written in) turned into terminal text.

Headings, **bold**, *italic*, `inline code` and fenced blocks: the subset lessons use.
With colour off the text stays readable as it is, so only fences and headings change.
"""

from __future__ import annotations

import re

from bot.console.style import Style

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_FENCE = re.compile(r"^\s*```")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_CODE = re.compile(r"`([^`\n]+)`")


def render_markdown(text: str, style: Style) -> str:
    lines: list[str] = []
    in_code = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            lines.append("    " + style.paint(line, "cyan"))
            continue
        heading = _HEADING.match(line)
        if heading:
            level, title = len(heading[1]), _inline(heading[2], style)
            lines.append(_heading(title, level, style))
            continue
        lines.append(_inline(line, style))
    return "\n".join(lines).strip("\n")


def _heading(title: str, level: int, style: Style) -> str:
    if style.colour:
        return style.paint(title, "bold", "underline") if level <= 2 else style.paint(title, "bold")
    if level <= 2:
        return f"{title}\n{'=' * len(title)}"
    return title


def _inline(line: str, style: Style) -> str:
    if not style.colour:
        return line  # Markdown is plain text already; `code` stays legible with backticks
    # Inline code first, so asterisks inside it (x**2) are not taken for emphasis.
    parts = re.split(r"(`[^`\n]+`)", line)
    rendered = []
    for part in parts:
        code = _CODE.fullmatch(part)
        if code:
            rendered.append(style.paint(code[1], "cyan"))
            continue
        part = _BOLD.sub(lambda m: style.paint(m[1], "bold"), part)
        part = _ITALIC.sub(lambda m: style.paint(m[1], "underline"), part)
        rendered.append(part)
    return "".join(rendered)
