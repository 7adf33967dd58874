"""Concurrent update processing that keeps each chat's updates in order, and the door every
update passes (polling and webhook alike): a malformed one stops here."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot import metrics
from bot.adapters.telegram import wellformed

log = logging.getLogger(__name__)


def _chat_key(update: object) -> object:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


#: Updates of one chat at most under way or waiting their turn; more are skipped.
PER_CHAT = 8


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to ``max_concurrent_updates`` at once, but one at a time per chat, and at most
    ``per_chat`` of one chat under way or waiting.

    Walk steps edit one message in place; two presses in the same chat must not race. A flooded
    group must not hold every slot (and, through the backlog bound, stop the fetching) while
    Telegram lets the bot answer it only 20 times a minute: its updates beyond ``per_chat``
    are skipped and logged, and every other chat is answered meanwhile. A skipped button press
    is never acknowledged, so its member sees nothing saved and may press again.
    """

    def __init__(self, max_concurrent_updates: int = 64, per_chat: int = PER_CHAT) -> None:
        super().__init__(max_concurrent_updates)
        self.per_chat = per_chat
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        metrics.UPDATES.labels("telegram").inc()
        if isinstance(update, Update):
            found = wellformed.problem(update)
            if found:
                # Not even the library's own bookkeeping may see it (it hashes chat ids).
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                log.warning(
                    "ignored a malformed update",
                    extra={"update_id": update.update_id, "problem": found},
                )
                return
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        if users >= self.per_chat:
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            log.warning(
                "skipped an update of a flooded chat",
                extra={"update_id": getattr(update, "update_id", None), "waiting": users},
            )
            return
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
