"""Point discord.py at a compatible API instead of discord.com: a REST proxy or the test emulator.

discord.py 2.7 reads its REST base from `Route.BASE` whenever it builds a route, and its
gateway from `DiscordWebSocket.DEFAULT_GATEWAY` (only AutoShardedBot asks `GET /gateway/bot`),
so setting both before connecting is enough.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Use these endpoints for every client in this process; None restores Discord's."""
    Route.BASE = (api_base or DISCORD_API_BASE).rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY)
