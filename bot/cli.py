"""`python -m bot`: subcommands are discovered from `bot.commands`, one module each."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

import bot.commands
from bot.settings import Settings, SettingsError


def _command_modules() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(bot.commands.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bot.commands.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "run"):
            modules.append(module)
    return sorted(modules, key=lambda m: m.NAME)


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


def main(argv: Sequence[str] | None = None) -> int:
    modules = _command_modules()
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
