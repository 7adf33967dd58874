"""One timer for every interaction still being answered, instead of one timer each.

An interaction must get its first response within 3 seconds, so an answer that is not ready
after ``after`` seconds is deferred first. Nearly every answer is ready in a millisecond, so
the watch is on the path of every interaction: a timer each would put a handle on asyncio's
heap per interaction, cancelled at once but left there until it falls due.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable


class LateWatch:
    """Calls ``on_late`` for the watched entries not finished ``after`` seconds after they began.

    Args:
        after: Seconds an entry may take before its ``on_late`` is called.
    """

    def __init__(self, after: float) -> None:
        self.after = after
        self._pending: dict[int, tuple[float, Callable[[], None]]] = {}
        self._ids = itertools.count()
        self._timer: asyncio.TimerHandle | None = None

    def begin(self, on_late: Callable[[], None]) -> int:
        """Start watching; returns the key for :meth:`end`."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.after
        key = next(self._ids)
        self._pending[key] = (due, on_late)
        if self._timer is None:
            self._timer = loop.call_at(due, self._tick)
        elif due < self._timer.when():  # ``after`` was lowered since the timer was set
            self._timer.cancel()
            self._timer = loop.call_at(due, self._tick)
        return key

    def end(self, key: int) -> None:
        """Stop watching (the answer is ready); ``on_late`` will not be called."""
        self._pending.pop(key, None)

    def _tick(self) -> None:
        self._timer = None
        if not self._pending:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        late = [key for key, (due, _) in self._pending.items() if due <= now]
        for key in late:
            _, on_late = self._pending.pop(key)
            on_late()
        if self._pending:
            self._timer = loop.call_at(min(due for due, _ in self._pending.values()), self._tick)

    def __len__(self) -> int:
        return len(self._pending)
