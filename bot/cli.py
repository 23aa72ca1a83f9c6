"""`python -m bot`: subcommands are discovered from `bot.commands`, one module each.

A subcommand module may define `prepare()`: it runs before the arguments are parsed and
before the settings (pydantic, the largest import) are loaded, for work that can overlap
the rest of start-up on another core (`sandbox` starts its zygote there).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import bot.commands

if TYPE_CHECKING:
    from bot.settings import Settings

_NAME_LINE = re.compile(r'^NAME = "([a-z-]+)"$', re.MULTILINE)


def _command_modules(argv: Sequence[str] | None = None) -> list[ModuleType]:
    """The subcommand modules; only the one `argv` names when it names one, so that a
    subcommand does not pay for importing the others' dependencies (the Discord client,
    the terminal UI, the plots): `python -m bot sandbox FILE` starts in a fraction of
    the time. Without a known subcommand (`--help`, the default command) all of them."""
    names = _command_files()
    wanted = _named_command(sys.argv[1:] if argv is None else argv)
    if wanted in names.values():
        names = {file: name for file, name in names.items() if name == wanted}
    modules = []
    for file in names:
        module = importlib.import_module(f"bot.commands.{file}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            modules.append(module)
    return sorted(modules, key=lambda m: m.NAME)


def _command_files() -> dict[str, str | None]:
    """Module file name -> its NAME, read from the source without importing it."""
    found: dict[str, str | None] = {}
    for info in pkgutil.iter_modules(bot.commands.__path__):
        if info.name.startswith("_"):
            continue
        path = Path(bot.commands.__path__[0]) / f"{info.name}.py"
        match = _NAME_LINE.search(path.read_text(encoding="utf-8")) if path.exists() else None
        found[info.name] = match.group(1) if match else None
    return found


def _named_command(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` asks for: its first word that is not an option (or the value
    of --env-file)."""
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
        elif arg == "--env-file":
            skip_next = True
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(modules: Sequence[ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "Gradient Tutor: a Discord bot that teaches how neural networks learn. "
            "With no subcommand it runs the Discord bot when DISCORD_TOKEN is set, "
            "and the local terminal course otherwise."
        ),
    )
    parser.add_argument("--env-file", default=".env", help="settings file to read (default: .env)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules:
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def _default_command(modules: Sequence[ModuleType], settings: Settings) -> str | None:
    names = {m.NAME for m in modules}
    if settings.discord_token and "run" in names:
        return "run"
    if "local" in names:
        return "local"
    return None


def _prepare(modules: Sequence[ModuleType], argv: Sequence[str]) -> None:
    """Run the `prepare()` of the one subcommand `argv` names, if it has one; not for a
    help request, which would have nothing to overlap."""
    wanted = _named_command(argv)
    if wanted is None or "-h" in argv or "--help" in argv:
        return
    for module in modules:
        if wanted == module.NAME and hasattr(module, "prepare"):
            module.prepare()


def main(argv: Sequence[str] | None = None) -> int:
    modules = _command_modules(argv)
    _prepare(modules, sys.argv[1:] if argv is None else argv)
    from bot.settings import Settings, SettingsError  # after prepare(): see the docstring

    parser = build_parser(modules)
    args = parser.parse_args(argv)
    try:
        settings = Settings.load(args.env_file)
    except SettingsError as exc:
        for problem in str(exc).splitlines():
            print(f"error: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if settings.log_level != "DEBUG":
        # discord.py narrates every connection step at INFO; our own log says what matters.
        logging.getLogger("discord").setLevel(logging.WARNING)
    if args.command is None:
        default = _default_command(modules, settings)
        if default is None:
            parser.print_help()
            return 0
        args = parser.parse_args([*(argv or []), default])
    args.settings = settings
    result: int = args._module.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
