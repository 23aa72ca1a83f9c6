"""A small local Discord API emulator: REST under /api/v10 and a JSON gateway websocket.

Written against discord.py 2.7 (pinned in pyproject.toml). The real, unmodified client
connects to it; tests act as members and read back what the bot sent.
"""

from tests.discord_emulator.emulator import DiscordEmulator
from tests.discord_emulator.state import Guild, InteractionRecord, Json

__all__ = ["DiscordEmulator", "Guild", "InteractionRecord", "Json"]
