"""Split Markdown into pieces that fit Discord, and embeds into messages that fit Discord.

Pieces break between paragraphs, never inside a fenced code block unless the block alone is
too long; then it is cut between lines and each piece gets its own fence, so every piece
still renders as code.
"""

from __future__ import annotations

import re

import discord

from bot.discord_app.rendering import limits

_FENCE = re.compile(r"^[ \t]*```")


def split_markdown(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for block in _blocks(text.strip()):
        for part in _fit(block, limit):
            candidate = f"{current}\n\n{part}" if current else part
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = part
    if current:
        pieces.append(current)
    return pieces


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts toward the 6,000 characters a message's embeds may hold."""
    return len(embed)


def pack_embeds(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into as few messages as Discord allows, keeping their order."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        n = embed_size(embed)
        if current and (
            len(current) == limits.EMBEDS_PER_MESSAGE or size + n > limits.EMBED_TOTAL_PER_MESSAGE
        ):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += n
    if current:
        messages.append(current)
    return messages


def _blocks(text: str) -> list[str]:
    """Paragraphs, with each fenced code block (blank lines and all) kept as one block."""
    blocks: list[str] = []
    lines: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if lines:
                blocks.append("\n".join(lines))
                lines = []
            continue
        lines.append(line)
    if lines:
        blocks.append("\n".join(lines))
    return blocks


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    lines = block.split("\n")
    fenced = bool(_FENCE.match(lines[0])) and bool(_FENCE.match(lines[-1])) and len(lines) > 1
    opening, closing = (lines[0] + "\n", "\n```") if fenced else ("", "")
    body = lines[1:-1] if fenced else lines
    room = limit - len(opening) - len(closing)
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in body:
        while len(line) > room:  # a single overlong line: hard cut
            if current:
                parts.append("\n".join(current))
                current, size = [], 0
            parts.append(line[:room])
            line = line[room:]
        if current and size + 1 + len(line) > room:
            parts.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        parts.append("\n".join(current))
    return [opening + part + closing for part in parts]
