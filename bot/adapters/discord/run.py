"""Starting the Discord bot, and syncing its commands in a deliberate step.

Commands are registered with Discord only by ``sellerbot discord sync [--guild ID]``, never
on start: a global sync takes a while to reach every client and counts against a daily limit.
"""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

import discord
import yarl
from discord import app_commands

from bot.adapters.discord.client import SellerBot
from bot.adapters.discord.moderation import DiscordPins
from bot.assistant import Assistant
from bot.config import Settings

log = logging.getLogger(__name__)

API_VERSION = 10


def use_api_base(url: str | None) -> None:
    """Send every REST call (interaction callbacks and webhooks too) to ``url``.

    ``url`` may be a bare origin (``http://proxy:8080``) or end in ``/api/v10``.
    """
    if not url:
        return
    url = url.rstrip("/")
    if not re.search(r"/api/v\d+$", url):
        url = f"{url}/api/v{API_VERSION}"
    discord.http.Route.BASE = url
    log.info("Discord REST base URL set", extra={"base_url": url})


def use_gateway(url: str | None) -> None:
    """Connect the gateway websocket to ``url`` instead of Discord's.

    With a fixed shard count (``DISCORD_SHARD_COUNT``) discord.py skips ``GET /gateway/bot``
    and connects to ``DiscordWebSocket.DEFAULT_GATEWAY``, which it also falls back to after an
    invalidated session; so a gateway proxy (or a test's stand-in) is reached only by
    changing that address. Without a fixed count the first connection goes where
    ``GET /gateway/bot`` says (through ``DISCORD_API_BASE_URL``).
    """
    if not url:
        return
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("Discord gateway URL set", extra={"gateway_url": url})


def _token(settings: Settings) -> str:
    if not settings.discord_token:
        raise SystemExit("DISCORD_TOKEN is not set")
    return settings.discord_token.get_secret_value()


async def run_discord(assistant: Assistant, settings: Settings) -> None:
    """Log in and serve interactions until the process is stopped."""
    use_api_base(settings.discord_api_base_url)
    try:
        use_gateway(settings.gateway_url)
    except ValueError as exc:  # one clear line, as for DISCORD_TOKEN
        raise SystemExit(str(exc)) from None
    shards = settings.shard_ids
    sharding: dict[str, Any] = {}
    if shards:  # this process runs some of the shards; others run the rest
        sharding = {"shard_count": settings.discord_shard_count, "shard_ids": shards}
        log.info("discord: shards %s of %s", shards, settings.discord_shard_count)
    bot = SellerBot(
        assistant,
        reminder_interval=settings.sellerbot_reminder_interval,
        reminder_lease=settings.sellerbot_reminder_lease,
        **sharding,
    )
    # The dashboard, served in this process, edits and unpins a server's pinned answers so.
    assistant.pin_surfaces["discord"] = lambda _server: DiscordPins(bot.desk)
    async with bot:
        await bot.start(_token(settings))


async def sync_commands(
    bot: SellerBot, guild_id: int | None = None
) -> list[app_commands.AppCommand]:
    """Register the command tree (translated) globally, or in one server for testing."""
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)


async def sync(settings: Settings, guild_id: int | None = None) -> list[app_commands.AppCommand]:
    """Log in over REST only (no gateway), sync the commands and log out."""
    from bot.core.engine import default_core
    from bot.storage import SqliteRepository

    use_api_base(settings.discord_api_base_url)
    repo = await SqliteRepository.open(":memory:")
    try:
        bot = SellerBot(Assistant(default_core(), repo), background=False)
        async with bot:
            await bot.login(_token(settings))
            return await sync_commands(bot, guild_id)
    finally:
        await repo.close()


def main(args: argparse.Namespace) -> int:
    """``sellerbot discord sync [--guild ID]``."""
    import asyncio

    from bot.config import load_settings
    from bot.logging_setup import setup

    settings = load_settings()
    setup(settings.sellerbot_log_level, settings.sellerbot_log_format)
    if getattr(args, "discord_command", None) != "sync":
        print("usage: sellerbot discord sync [--guild ID]")
        return 2
    if not settings.discord_token:
        print("sellerbot discord sync: DISCORD_TOKEN is not set")
        return 2
    try:
        synced = asyncio.run(sync(settings, args.guild))
    except discord.HTTPException as exc:
        print(f"sellerbot discord sync: Discord refused the commands: {exc}")
        return 1
    where = f"server {args.guild}" if args.guild else "all servers (global)"
    names = ", ".join(c.name for c in synced)
    print(f"synced {len(synced)} commands to {where}: {names}")
    return 0
