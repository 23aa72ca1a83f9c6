"""One module per `python -m bot` subcommand, discovered by `bot.cli`.

Each module defines NAME, HELP, `add_arguments(parser)` and `run(args) -> int`.
"""
