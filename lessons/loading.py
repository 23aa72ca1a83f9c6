"""Read one lesson folder: lesson.toml, the Markdown texts, the code files and checks.py."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from lessons.checking import validate_checks
from lessons.lesson import CheckDataFn, DataFn, Fixture, Lesson, ProbesFn

# Header lines in learner-code files that are for tools and the course checker, not the
# learner: `# mypy: ignore-errors` (the code uses predefined names), `# fails: <check>`.
# `# fails: run` names a mistake that stops the code before any check: its diagnosis is in
# the verdict's message.
FAILS_TO_RUN = "run"
_HEADER = re.compile(r"^#\s*(mypy|ruff|fails|expect):\s*(.*)$")


class LessonFormatError(ValueError):
    """A lesson folder is incomplete or malformed; the message names the file."""


def is_lesson_folder(path: Path) -> bool:
    return path.is_dir() and (path / "lesson.toml").is_file()


def read_lesson_folder(folder: Path) -> Lesson:
    """The lesson in `folder`, numbered 0: its place is the course's to give."""
    meta = _read_toml(folder / "lesson.toml")
    checks_module = _import_checks(folder / "checks.py")
    checks = tuple(_attribute(checks_module, "CHECKS", folder))
    try:
        validate_checks(checks)
    except ValueError as exc:
        raise LessonFormatError(f"{folder / 'checks.py'}: {exc}") from None
    hints = meta.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise LessonFormatError(f"{folder / 'lesson.toml'}: hints must be a list of strings")
    return Lesson(
        id=_require(meta, "id", str, folder),
        title=_require(meta, "title", str, folder),
        order=_require(meta, "order", int, folder),
        number=0,
        trains=bool(meta.get("trains", False)),
        hints=[h.strip() for h in hints],
        explanation=_read_text(folder / "explanation.md"),
        task=_read_text(folder / "task.md"),
        starter_code=_learner_code(folder / "starter.py")[0],
        solution=_learner_code(folder / "solution.py")[0],
        checks=checks,
        metrics=tuple(getattr(checks_module, "METRICS", ())),
        curves=tuple(getattr(checks_module, "CURVES", ())),
        _make_data=cast(DataFn, _attribute(checks_module, "make_data", folder)),
        _check_data=cast(CheckDataFn, _attribute(checks_module, "check_data", folder)),
        _probes=cast(ProbesFn, _attribute(checks_module, "probes", folder)),
        fixtures=_read_fixtures(folder / "fixtures", {c.name for c in checks}),
        path=folder,
    )


def _read_fixtures(folder: Path, check_names: set[str]) -> tuple[Fixture, ...]:
    fixtures = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        code, header = _learner_code(path)
        fails = header.get("fails")
        if fails not in check_names | {FAILS_TO_RUN}:
            raise LessonFormatError(
                f"{path}: '# fails: <check>' must name one of {check_names} or {FAILS_TO_RUN!r}"
            )
        fixtures.append(Fixture(path.stem, code, fails, header.get("expect")))
    return tuple(fixtures)


def _learner_code(path: Path) -> tuple[str, dict[str, str]]:
    """The code as the learner sees it, and the header fields that were stripped off."""
    lines = _read_text(path).splitlines()
    header: dict[str, str] = {}
    while lines and (match := _HEADER.match(lines[0])):
        header[match.group(1)] = match.group(2).strip()
        lines.pop(0)
    return "\n".join(lines).strip("\n") + "\n", header


def _import_checks(path: Path) -> ModuleType:
    if not path.is_file():
        raise LessonFormatError(f"{path} is missing")
    name = f"lessons._checks_{path.parent.name}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LessonFormatError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _attribute(module: ModuleType, name: str, folder: Path) -> Any:
    if not hasattr(module, name):
        raise LessonFormatError(f"{folder / 'checks.py'} must define {name}")
    return getattr(module, name)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise LessonFormatError(f"{path}: {exc}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() + "\n"
    except FileNotFoundError:
        raise LessonFormatError(f"{path} is missing") from None


def _require(meta: dict[str, Any], key: str, kind: type, folder: Path) -> Any:
    value = meta.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise LessonFormatError(f"{folder / 'lesson.toml'}: '{key}' must be a {kind.__name__}")
    return value
