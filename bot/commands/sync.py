"""`python -m bot sync`: register the slash commands with Discord.

Global registration can take a while to reach every server and is rate limited, so the bot
never does it on start; run this once after installing or upgrading. `--guild` registers in
one server instantly (what DEV_GUILD_ID does on every start).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

NAME = "sync"
HELP = "register the bot's slash commands with Discord (globally, or in one --guild)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guild", type=int, help="register in this server only (instant)")
    parser.add_argument(
        "--clear", action="store_true", help="remove the bot's commands instead of registering"
    )


def run(args: argparse.Namespace) -> int:
    from bot.discord_app.runtime import StartupProblem
    from bot.discord_app.syncing import sync_commands

    try:
        names = asyncio.run(sync_commands(args.settings, guild_id=args.guild, clear=args.clear))
    except StartupProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour)"
    if args.clear:
        print(f"Removed the bot's commands from {where}.")
    else:
        print(f"Registered {len(names)} commands in {where}: {', '.join(sorted(names))}")
    return 0
