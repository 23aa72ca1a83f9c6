"""Registering the slash commands, without connecting to the gateway or starting a sandbox."""

from __future__ import annotations

import discord

from bot.discord_app.bot import TutorBot
from bot.discord_app.endpoints import use_endpoints
from bot.discord_app.runtime import explained_login_errors, token_of
from bot.settings import Settings


async def sync_commands(
    settings: Settings, *, guild_id: int | None = None, clear: bool = False
) -> list[str]:
    """Bulk-overwrite the commands globally or in one guild; returns the names registered."""
    token = token_of(settings)
    use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
    async with TutorBot(settings=settings, core=None, sync_dev_guild=False) as bot:
        with explained_login_errors(settings):
            await bot.login(token)  # runs setup_hook, which puts the cogs' commands on the tree
        guild = discord.Object(id=guild_id) if guild_id is not None else None
        if clear:
            bot.tree.clear_commands(guild=guild)
        elif guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        return [command.name for command in synced]
