"""SIGINT/SIGTERM as an asyncio event, for a clean shutdown of whatever is running."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[list[signal.Signals]]:
    """Set ``stop`` on SIGINT/SIGTERM while the block runs; yields the signals handled.

    The loop cannot take signal handlers everywhere (not on Windows: NotImplementedError; not
    outside the main thread: RuntimeError/ValueError); there the caller's own stop event, or
    cancellation, is the way to stop, so those signals are simply not handled here.
    """
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(sig)
    try:
        yield installed
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
