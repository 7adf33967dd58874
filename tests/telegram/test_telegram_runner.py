"""The runner: `sellerbot run` with TELEGRAM_TOKEN set serves Telegram and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tg_fixtures import payload
from tg_standin import TOKEN, BotApiStandIn

from bot.config import load_settings
from bot.runner import run


async def test_runner_serves_telegram_and_stops_cleanly_on_sigterm(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        sellerbot_data_dir=tmp_path / "data",
    )
    task = asyncio.create_task(run(settings))
    for _ in range(500):
        if standin.calls_to("getUpdates"):
            break
        await asyncio.sleep(0.01)
    standin.push_update(payload("private_start_deeplink", update_id=30))
    for _ in range(500):
        if standin.sent():
            break
        await asyncio.sleep(0.01)
    assert standin.sent(), "the runner's Telegram adapter answered nothing"
    os.kill(os.getpid(), signal.SIGTERM)  # handled by the runner's loop handler, not fatal
    assert await asyncio.wait_for(task, 15) == 0
    assert (tmp_path / "data" / "sellerbot.db").exists()
