"""Discord's limits, enforced the way Discord does: a 400 "Invalid Form Body" naming the field.

Without this the emulator would accept messages real Discord refuses, and the end-to-end
tests could pass on a bot that fails in production.
"""

from __future__ import annotations

import re

from tests.discord_emulator.state import Json

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}


def command_problems(commands: list[Json]) -> list[str]:
    problems = []
    for command in commands:
        problems += _command(command, f"/{command.get('name')}")
    return problems


def message_problems(body: Json) -> list[str]:
    problems = []
    if len(body.get("content") or "") > 2000:
        problems.append("content: Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems.append("embeds: Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            size = len(embed.get(key) or "")
            total += size
            if size > limit:
                problems.append(f"embeds.{i}.{key}: Must be {limit} or fewer in length.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embeds.{i}.fields: Must be 25 or fewer in length.")
        for j, field in enumerate(fields):
            for key, limit in FIELD_LIMITS.items():
                size = len(field.get(key) or "")
                total += size
                if not size or size > limit:
                    problems.append(f"embeds.{i}.fields.{j}.{key}: Must be 1 to {limit} long.")
        total += len((embed.get("footer") or {}).get("text") or "")
    if total > 6000:
        problems.append("embeds: Embed size exceeds maximum size of 6000")
    problems += _components(body.get("components") or [])
    return problems


def modal_problems(modal: Json) -> list[str]:
    problems = []
    if not 1 <= len(modal.get("title") or "") <= 45:
        problems.append("data.title: Must be between 1 and 45 in length.")
    for row in modal.get("components") or []:
        inner = [row["component"]] if row.get("type") == 18 else row.get("components", [])
        for text_input in inner:
            if len(text_input.get("label") or "") > 45:
                problems.append("data.components: label must be 45 or fewer in length.")
            if len(text_input.get("value") or "") > int(text_input.get("max_length", 4000)):
                problems.append("data.components: value longer than max_length.")
            if int(text_input.get("max_length", 4000)) > 4000:
                problems.append("data.components: max_length must be 4000 or less.")
    return problems


def _command(command: Json, where: str) -> list[str]:
    problems = []
    name = str(command.get("name", ""))
    if not COMMAND_NAME.match(name) or name != name.lower():
        problems.append(f"{where}: name must be 1-32 lowercase letters, digits, - or _")
    if command.get("type", 1) == 1 and not 1 <= len(command.get("description") or "") <= 100:
        problems.append(f"{where}: description must be 1-100 characters")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{where}: at most 25 options")
    required_seen_optional = False
    for option in options:
        problems += _command(option, f"{where} {option.get('name')}")
        if option.get("required"):
            if required_seen_optional:
                problems.append(f"{where}: required options must come before optional ones")
        elif option.get("type") not in (1, 2):
            required_seen_optional = True
    return problems


def _components(rows: list[Json]) -> list[str]:
    problems = []
    if len(rows) > 5:
        problems.append("components: Must be 5 or fewer in length.")
    for row in rows:
        buttons = row.get("components") or []
        if len(buttons) > 5:
            problems.append("components: a row holds at most 5 buttons")
        for button in buttons:
            if len(button.get("custom_id") or "") > 100:
                problems.append("components: custom_id must be 100 or fewer in length")
            if len(button.get("label") or "") > 80:
                problems.append("components: label must be 80 or fewer in length")
    return problems
