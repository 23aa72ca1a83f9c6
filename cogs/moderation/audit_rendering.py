"""The audit log as a moderator reads it: who (a mention), did what, to whom, in which
lesson (number and title), with settings in words rather than stored keys and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import discord

from bot.core.scope_config import (
    ANNOUNCEMENT_CHANNEL,
    ANNOUNCEMENT_PROBLEM,
    BOT_ACTOR,
    COMPLETION_ROLE,
    COMPLETION_ROLE_PROBLEM,
    LESSON_CHANNELS,
    MODERATOR_ROLE,
    SOLUTION_AFTER_FAILURES,
    describe_solution_policy,
)
from bot.discord_app.rendering import limits
from bot.discord_app.rendering.text import truncate
from bot.store import AuditEntry
from lessons import Lesson

LessonFinder = Callable[[str], Lesson | None]  # by id; None for a lesson since removed

# How `ScopeConfigs` words a change in the log: "<key> = <json>" or "<key> removed".
_SET = re.compile(r"^(?P<key>\w+) = (?P<value>.*)$", re.DOTALL)
_REMOVED = re.compile(r"^(?P<key>\w+) removed$")
# "<id> (<name>)", as `actor_of` names a Discord moderator.
_DISCORD_ACTOR = re.compile(r"^(?P<id>\d{5,}) \((?P<name>.*)\)$", re.DOTALL)


def _channels(value: Any) -> str:
    return ", ".join(f"<#{c}>" for c in value) if isinstance(value, list) else str(value)


# Per setting: its label, how a value reads, and what removing it means.
_SETTINGS: dict[str, tuple[str, Callable[[Any], str], str]] = {
    LESSON_CHANNELS: ("lesson channels", _channels, "every channel (the default)"),
    MODERATOR_ROLE: ("moderator role", lambda v: f"<@&{v}>", "none"),
    COMPLETION_ROLE: ("completion role", lambda v: f"<@&{v}>", "none"),
    ANNOUNCEMENT_CHANNEL: ("completion announcements", lambda v: f"<#{v}>", "off"),
    SOLUTION_AFTER_FAILURES: (
        "solution policy",
        lambda v: describe_solution_policy(v) if isinstance(v, int) else str(v),
        "back to the default",
    ),
}
_PROBLEMS: dict[str, str] = {
    COMPLETION_ROLE_PROBLEM: "⚠️ the completion role could not be given",
    ANNOUNCEMENT_PROBLEM: "⚠️ a completion could not be announced",
}


def audit_embed(entries: list[AuditEntry], find: LessonFinder) -> discord.Embed:
    lines = [audit_line(entry, find) for entry in entries]
    return discord.Embed(
        title="🗒️ Audit log",
        colour=discord.Colour.dark_grey(),
        description=truncate("\n".join(lines), limits.EMBED_DESCRIPTION)
        if lines
        else "No moderator actions yet.",
    )


def audit_line(entry: AuditEntry, find: LessonFinder) -> str:
    when = f"<t:{int(entry.created_at)}:f>"
    if entry.action == "config":
        return f"{when} · {config_change(entry.detail)} · by {actor(entry.actor)}"
    what = f"**{entry.action}**"
    if entry.user_id:
        what += f" <@{entry.user_id}>"
    what += f" · {lesson_name(entry.lesson_id, find)}" if entry.lesson_id else " · all lessons"
    detail = f" · {entry.detail}" if entry.detail else ""
    return f"{when} · {what}{detail} · by {actor(entry.actor)}"


def config_change(detail: str) -> str:
    """A stored settings change in words; an unfamiliar one as it was stored."""
    if removed := _REMOVED.match(detail):
        key = removed["key"]
        if key in _SETTINGS:
            label, _, default = _SETTINGS[key]
            return f"**{label}** → {default}"
        return f"**{key}** cleared"
    changed = _SET.match(detail)
    if changed is None:
        return detail
    try:
        value = json.loads(changed["value"])
    except ValueError:
        return detail
    key = changed["key"]
    if key in _PROBLEMS:
        return f"**{_PROBLEMS[key]}**: {value}"
    if key in _SETTINGS:
        label, shown, _ = _SETTINGS[key]
        return f"**{label}** → {shown(value)}"
    return detail


def actor(stored: str) -> str:
    if stored == BOT_ACTOR:
        return "the bot"
    if named := _DISCORD_ACTOR.match(stored):
        return f"<@{named['id']}> ({discord.utils.escape_markdown(named['name'])})"
    return discord.utils.escape_markdown(stored)


def lesson_name(lesson_id: str, find: LessonFinder) -> str:
    lesson = find(lesson_id)
    if lesson is None:  # since removed from the course
        return f"lesson `{lesson_id}`"
    return f"lesson {lesson.number} ({lesson.title})"
