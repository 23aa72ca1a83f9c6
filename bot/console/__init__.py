"""The terminal front end: the whole course in a shell, over the same tutor core."""

from bot.console.reader import LineReader
from bot.console.session import ConsoleSession
from bot.console.style import Style

__all__ = ["ConsoleSession", "LineReader", "Style"]
