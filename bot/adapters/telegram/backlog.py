"""A bound on the updates taken from Telegram but not yet handled.

Telegram forgets an update once the next getUpdates confirms it, and the library fetches again
as soon as it has queued a batch, not when the batch is handled: under load thousands of
confirmed updates wait in memory, all lost if the process is killed, and all to be handled
before a stop completes. This queue counts each update until it is handled, and while
:data:`LIMIT` are, the fetching (or a webhook request) waits: what a crash can lose, and what a
stop must finish, is at most that many.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: Updates at most in memory, taken and not yet handled (also the most a kill -9 loses).
LIMIT = 64


class BacklogQueue(asyncio.Queue[Any]):
    """The application's update queue (``ApplicationBuilder.update_queue``), bounded by the
    updates not yet *handled* (the library calls ``task_done`` when one is)."""

    def __init__(self, limit: int = LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.unhandled = 0
        self._room = asyncio.Event()

    async def put(self, item: Any) -> None:
        while self.unhandled >= self.limit:
            self._room.clear()
            await self._room.wait()
        self.unhandled += 1
        await super().put(item)

    def task_done(self) -> None:
        super().task_done()
        self.unhandled = max(0, self.unhandled - 1)
        self._room.set()
