"""Front ends have one way into the core: `TutorCore`'s own methods and properties.

Every `<something>.core.<name>` in the Discord features, the shared Discord code and the
terminal must name a public method or property of the `TutorCore` class, never one of its
collaborators (the store, the sandbox, the course, moderation, the settings cache).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from bot.core import TutorCore

ROOT = Path(__file__).resolve().parent.parent
FRONT_ENDS = ("cogs", "bot/discord_app", "bot/console")


def core_api() -> set[str]:
    """Public callables and properties defined on the class (mixins included)."""
    names = set()
    for name, value in inspect.getmembers(TutorCore):
        if name.startswith("_"):
            continue
        if callable(value) or isinstance(value, property):
            names.add(name)
    return names


def core_uses(source: str) -> list[tuple[int, str]]:
    """(line, name) of every `X.core.name` and `core.name` attribute read."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        is_core = (isinstance(owner, ast.Attribute) and owner.attr == "core") or (
            isinstance(owner, ast.Name) and owner.id == "core"
        )
        if is_core:
            uses.append((node.lineno, node.attr))
    return sorted(uses)


def front_end_files() -> list[Path]:
    return sorted(p for folder in FRONT_ENDS for p in (ROOT / folder).rglob("*.py"))


def test_the_finder_sees_attribute_reads_on_core() -> None:
    source = "x = self.bot.core.moderation.reset\ncore.store.close()\nbot.core.hint(a)\n"
    assert core_uses(source) == [(1, "moderation"), (2, "store"), (3, "hint")]


def test_the_api_is_methods_not_collaborators() -> None:
    api = core_api()
    assert {"submit", "next_lesson", "unlock", "config", "lessons", "find_code"} <= api
    assert not {"store", "sandbox", "course", "moderation", "configs"} & api


@pytest.mark.parametrize("path", front_end_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_front_ends_call_only_core_methods(path: Path) -> None:
    api = core_api()
    wrong = [(line, name) for line, name in core_uses(path.read_text()) if name not in api]
    assert not wrong, f"{path.relative_to(ROOT)} reaches past TutorCore: {wrong}"
