"""The runner: `sellerbot run` with TELEGRAM_TOKEN set serves Telegram and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tg_fixtures import payload
from tg_standin import TOKEN, BotApiStandIn

from bot.config import load_settings
from bot.runner import YOUNG_COLLECTION_EVERY, run


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    """The runner freezes what start-up loaded and makes collections rarer (settle_heap):
    undone after each test, so the other tests' objects stay theirs to collect."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


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
    # What start-up loaded is out of the full collections' way (bot.runner.settle_heap).
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY
    standin.push_update(payload("private_start_deeplink", update_id=30))
    for _ in range(500):
        if standin.sent():
            break
        await asyncio.sleep(0.01)
    assert standin.sent(), "the runner's Telegram adapter answered nothing"
    os.kill(os.getpid(), signal.SIGTERM)  # handled by the runner's loop handler, not fatal
    assert await asyncio.wait_for(task, 15) == 0
    assert (tmp_path / "data" / "sellerbot.db").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_metrics_and_health_are_served_while_running(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """SELLERBOT_METRICS_PORT: /healthz says which parts run; /metrics counts the update taken
    in and the answer given, by situation and language, with its time."""
    import aiohttp

    port = _free_port()
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        sellerbot_data_dir=tmp_path / "data",
        sellerbot_metrics_port=port,
        sellerbot_role="telegram-worker-1",
    )
    stop = asyncio.Event()
    from bot.assistant import Assistant
    from bot.core.engine import default_core
    from bot.runner import _serve_until
    from bot.storage import SqliteRepository

    repo = await SqliteRepository.open(tmp_path / "m.db")
    task = asyncio.create_task(_serve_until(stop, Assistant(default_core(), repo), settings))
    try:
        for _ in range(500):
            if standin.calls_to("getUpdates"):
                break
            await asyncio.sleep(0.01)
        standin.push_update(payload("private_text", update_id=40, user_id=55_001))
        for _ in range(500):
            if standin.sent():
                break
            await asyncio.sleep(0.01)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as r:
                assert r.status == 200
                assert await r.json() == {
                    "status": "ok",
                    "role": "telegram-worker-1",
                    "parts": {"telegram": True},
                }
            async with http.get(f"{base}/metrics") as r:
                text = await r.text()
        assert 'sellerbot_updates_total{platform="telegram"}' in text
        answered = [
            ln
            for ln in text.splitlines()
            if ln.startswith("sellerbot_answers_total{") and 'platform="telegram"' in ln
        ]
        assert answered and all(float(ln.rsplit(" ", 1)[1]) >= 1 for ln in answered)
        assert 'sellerbot_answer_seconds_count{platform="telegram"}' in text
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 15) == 0
        await repo.close()


async def test_a_metrics_port_in_use_is_one_error_and_nothing_left_running(
    standin: BotApiStandIn, tmp_path: Path, caplog: Any
) -> None:
    import socket

    from bot.assistant import Assistant
    from bot.core.engine import default_core
    from bot.runner import _serve_until
    from bot.storage import SqliteRepository

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings = load_settings(
            telegram_token=TOKEN,
            telegram_api_base_url=standin.base_url,
            sellerbot_metrics_port=taken.getsockname()[1],
        )
        repo = await SqliteRepository.open(tmp_path / "m.db")
        try:
            code = await asyncio.wait_for(
                _serve_until(asyncio.Event(), Assistant(default_core(), repo), settings), 15
            )
        finally:
            await repo.close()
    assert code == 1 and "cannot serve the metrics" in caplog.text
