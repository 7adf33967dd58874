"""Start what is configured: Telegram and/or Discord, or the console channel without tokens."""

from __future__ import annotations

import asyncio
import logging

from bot.assistant import Assistant
from bot.config import Settings
from bot.core.engine import default_core
from bot.storage import open_repository

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    core = default_core()
    settings.sellerbot_data_dir.mkdir(parents=True, exist_ok=True)
    repo = await open_repository(
        settings.database_url, salt=settings.sellerbot_hash_salt.get_secret_value()
    )
    assistant = Assistant(core, repo, default_lang=settings.sellerbot_default_lang)
    try:
        tasks = []
        if settings.telegram_token:
            from bot.adapters.telegram.run import run_telegram

            tasks.append(run_telegram(assistant, settings))
        if settings.discord_token:
            from bot.adapters.discord.run import run_discord

            tasks.append(run_discord(assistant, settings))
        if not tasks:
            from bot.adapters.console import ConsoleChannel

            log.info("no platform token configured: starting the console channel")
            await ConsoleChannel(assistant).run()
            return 0
        await asyncio.gather(*tasks)
        return 0
    finally:
        await repo.close()
