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


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Up to ``max_concurrent_updates`` at once, but one at a time per chat.

    Walk steps edit one message in place; two presses in the same chat must not race.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if isinstance(update, Update):
            found = wellformed.problem(update)
            if found:
                # Not even the library's own bookkeeping may see it (it hashes chat ids).
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                log.warning("ignored a malformed update",
                            extra={"update_id": update.update_id, "problem": found})
                return
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
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
