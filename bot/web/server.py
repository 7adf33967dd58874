"""Serving the dashboard with uvicorn, programmatically, in the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handlers: the bot's own stop the whole process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(app: ASGIApp, listen: str, port: int, stop: asyncio.Event) -> None:
    """Serve ``app`` on ``listen:port`` until ``stop`` is set (the bot's own signal handling
    stays in charge: uvicorn installs none).

    Raises:
        OSError: When the port cannot be used.
    """
    config = uvicorn.Config(
        app, host=listen, port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(), name="web")
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([task, stopper], return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            try:
                task.result()  # raises what made it stop
            except SystemExit:  # uvicorn exits when it cannot bind
                raise OSError(f"cannot serve the dashboard on {listen}:{port}") from None
            if not server.started:
                raise OSError(f"cannot serve the dashboard on {listen}:{port}")
            return
        server.should_exit = True
        await task
    finally:
        stopper.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
