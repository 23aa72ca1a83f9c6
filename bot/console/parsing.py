"""Tell a command from the start of pasted code, so learners can paste without a keyword.

A line is a command when its first word names one and its arguments fit; code such as
`next = w - lr * grad` does not fit, so it is taken as code.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    summary: str
    max_args: int = 0
    min_args: int = 0
    rest_is_one_arg: bool = False  # `submit my file.py`: the rest of the line is the path


SPECS = [
    CommandSpec("next", "next", "open the next lesson to do"),
    CommandSpec("lesson", "lesson", "show the current lesson again"),
    CommandSpec("list", "list", "list the lessons and which are open"),
    CommandSpec("show", "show N", "show lesson N (a number or an id), if it is unlocked", 1, 1),
    CommandSpec("submit", "submit [FILE]", "grade a file, or paste code after it", 1, 0, True),
    CommandSpec("hint", "hint [N]", "the next hint for the current lesson (or lesson N)", 1),
    CommandSpec("solution", "solution [N]", "the reference solution, once it is available", 1),
    CommandSpec("progress", "progress", "your progress and rank"),
    CommandSpec("leaderboard", "leaderboard [PAGE]", "who has come furthest", 1),
    CommandSpec(
        "plot",
        "plot [FILE]",
        "save the loss plot of your last training-lesson verdict as a PNG",
        1,
        0,
        True,
    ),
    CommandSpec("help", "help", "this list"),
    CommandSpec("quit", "quit", "leave (your progress is saved)"),
]
COMMANDS = {spec.name: spec for spec in SPECS}
ALIASES = {"exit": "quit", "q": "quit", "?": "help", "current": "lesson", "ls": "list"}

_CODE_CHARS = re.compile(r"[=()\[\]{}:+*/%<>,\"']")
_FENCE = re.compile(r"^\s*```")
_OPERATOR = re.compile(r"[=()\[\]{}:+*/%<>@\\]")
# `submit = 3` or `plot += 1` is code, even though the rest of the line is free text.
_ASSIGNMENT = re.compile(r"^\s*(?:[-+*/%@&|^]|//|\*\*|<<|>>)?=(?!=)")


@dataclass(frozen=True)
class Command:
    name: str
    args: list[str]


@dataclass(frozen=True)
class Unknown:
    word: str


@dataclass(frozen=True)
class BadUsage:
    spec: CommandSpec


@dataclass(frozen=True)
class CodeStart:
    fenced: bool  # opened with ``` and so ends at the closing fence


@dataclass(frozen=True)
class Prose:
    """A sentence, such as a question typed at the prompt: neither a command nor code."""

    text: str


Parsed = Command | Unknown | BadUsage | CodeStart | Prose


def parse_line(line: str) -> Parsed | None:
    """None for a blank line."""
    stripped = line.strip()
    if not stripped:
        return None
    if _FENCE.match(stripped):
        return CodeStart(fenced=True)
    first, _, rest = stripped.partition(" ")
    name = ALIASES.get(first.lower(), first.lower())
    spec = COMMANDS.get(name)
    if spec is not None:
        args = [rest.strip()] if spec.rest_is_one_arg and rest.strip() else rest.split()
        looks_like_code = _ASSIGNMENT.match(rest) or (
            _CODE_CHARS.search(rest) and not spec.rest_is_one_arg
        )
        if spec.min_args <= len(args) <= spec.max_args and not looks_like_code:
            return Command(name, args)
        if not _CODE_CHARS.search(rest):
            return BadUsage(spec)
    elif " " not in stripped and stripped.isidentifier() and not keyword.iskeyword(stripped):
        return Unknown(stripped)
    if _is_prose(stripped):
        return Prose(stripped)
    return CodeStart(fenced=False)


def _is_prose(line: str) -> bool:
    """No operator or bracket, doesn't open a string, and isn't Python on its own: a
    sentence ("how do I start?", "I don't get it"). Taking it as the first line of a paste
    would swallow the commands after it and grade the question as code."""
    if _OPERATOR.search(line) or line[0] in "\"'":
        return False
    try:
        compile(line, "<line>", "exec")
    except (SyntaxError, ValueError):
        return True
    return False


def help_text() -> str:
    width = max(len(spec.usage) for spec in SPECS)
    lines = [f"  {spec.usage:<{width}}  {spec.summary}" for spec in SPECS]
    lines.append(
        "\nTo submit, paste your code: a ```python block, or plain code ending with a line "
        "holding only ``` (or Ctrl-D)."
    )
    return "Commands:\n" + "\n".join(lines)
