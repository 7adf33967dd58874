"""Helpers shared by the Discord tests and the bench: clients, payload replies, waiting."""

from __future__ import annotations

import asyncio
from typing import Any

import dc_factory as factory
from dc_standin import Call, StandIn

from bot.adapters.discord.client import SellerBot
from bot.assistant import Assistant
from bot.core.engine import default_core

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.stand-in.token"


async def start_bot(assistant: Assistant, **kw: Any) -> SellerBot:
    """A new client instance, logged in (GET /users/@me, application info) to the stand-in."""
    bot = SellerBot(assistant, **kw)
    await bot.login(TOKEN)
    return bot


async def settle(timeout: float = 5.0) -> None:
    """Wait until discord.py's command and component tasks have finished."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < 3:
        await asyncio.sleep(0)
        busy = [
            t
            for t in asyncio.all_tasks()
            if not t.done() and t.get_name().startswith(("CommandTree", "discord-ui", "discord.py"))
        ]
        if busy:
            quiet = 0
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"tasks still running: {busy}")
            await asyncio.wait(busy, timeout=left)
        else:
            quiet += 1


def reply(calls: list[Call]) -> tuple[int, dict[str, Any]]:
    """The first response: its callback type and message data."""
    cb = [c for c in calls if c.path.endswith("/callback")]
    assert cb, [c.path for c in calls]
    assert cb[0].status == 200, cb[0].response
    return cb[0].body["type"], cb[0].body.get("data") or {}


def ephemeral(data: dict[str, Any]) -> bool:
    return bool(int(data.get("flags") or 0) & 64)


def ids(data: dict[str, Any]) -> list[str]:
    return factory.custom_ids(data)


T = default_core().t


async def sent(
    bot: SellerBot, inject: Any, standin: StandIn, payload: dict[str, Any]
) -> dict[str, Any]:
    """Inject a payload and return the message the bot created, as the stand-in stored it."""
    calls = await inject(bot, payload)
    reply(calls)
    cb = next(c for c in calls if c.path.endswith("/callback"))
    mid = int(cb.response["interaction"]["response_message_id"])
    return standin.messages[mid]
