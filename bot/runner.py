"""Start what is configured: Telegram and/or Discord, or the console channel without tokens."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Coroutine
from typing import Any, cast

from bot import metrics
from bot.active_model import core_for
from bot.assistant import Assistant
from bot.config import Settings
from bot.core.engine import default_core
from bot.signals import stop_on_signals
from bot.storage import Repository, open_repository
from bot.storage import salt as hash_salt
from bot.storage.cached import CachedPreferences
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    """Serve until stopped; 0 on a clean stop, 1 when an adapter failed.

    Raises:
        StorageError: When the data folder or database cannot be used (nothing is left
            running: the database's worker thread is closed before this is raised).
    """
    core = default_core()
    salt = hash_salt.choose(settings)
    store = await open_repository(settings.database_url, salt=salt.value)
    try:
        hash_salt.settle(settings, salt)  # a new deployment's own salt, once the folder works
    except StorageError:
        await store.close()
        raise
    try:  # the deployment's retrained router, when `sellerbot train` adopted one
        core = await core_for(core, store)
    except StorageError:
        await store.close()
        raise
    # Every adapter shares one cached view of storage: preferences are read on every message.
    repo = CachedPreferences(store)
    assistant = Assistant(
        core, cast(Repository, repo), default_lang=settings.sellerbot_default_lang
    )
    assistant.dashboard_url = settings.web_url
    try:
        if not (settings.telegram_token or settings.discord_token):
            from bot.adapters.console import ConsoleChannel

            log.info("no platform token configured: starting the console channel")
            settle_heap()
            stop = asyncio.Event()
            with stop_on_signals(stop):  # Ctrl-C leaves the chat at once, cleanly
                await ConsoleChannel(assistant).run(stop)
            return 0
        return await _serve(assistant, settings)
    finally:
        await repo.close()  # finishes the statistics writes still under way


#: Allocations between two young-generation collections (Python's default is 700). Each
#: tenth of those collections moves on to the middle generation, and each tenth of those to a
#: full collection; at the default, a Discord burst of 500 interactions set off a full one.
YOUNG_COLLECTION_EVERY = 20_000


def settle_heap() -> None:
    """Keep the garbage collector's full collections rare and small: what start-up loaded
    (the router model, the lexicon, the catalogs, the libraries) is left out of them
    (:func:`gc.freeze`), and they come after :data:`YOUNG_COLLECTION_EVERY` times more
    allocations.

    In ``bench/bench_discord.py`` a full collection took 20-200 ms (this machine visits a
    reference in about 0.1 µs), charged to whichever interaction's allocations set it off: 0.1
    to 0.4 ms per interaction over a burst of 500, against 0.6-0.9 ms for all of a bare
    discord.py handler's work. With both, the collector took under 0.05 ms per interaction.
    Frozen objects are still freed when nothing refers to them; only reference cycles among
    them would stay, and cyclic garbage made later waits a little longer to be freed.
    """
    gc.collect()
    gc.freeze()
    _, middle, full = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, full)


async def _serve(assistant: Assistant, settings: Settings) -> int:
    """Run the adapters until SIGINT/SIGTERM, or until one of them fails."""
    stop = asyncio.Event()
    with stop_on_signals(stop):
        return await _serve_until(stop, assistant, settings)


async def _serve_until(stop: asyncio.Event, assistant: Assistant, settings: Settings) -> int:
    jobs: dict[str, Coroutine[Any, Any, None]] = {}
    if settings.telegram_token:
        from bot.adapters.telegram.run import run_telegram

        jobs["telegram"] = run_telegram(assistant, settings, stop=stop)
    if settings.discord_token:
        from bot.adapters.discord.run import run_discord

        jobs["discord"] = run_discord(assistant, settings)
    if settings.sellerbot_web_port is not None:
        jobs["web"] = serve_web(assistant, settings, stop)
    settle_heap()  # the adapters' libraries are imported by now
    tasks: dict[asyncio.Task[Any], str] = {
        asyncio.create_task(job, name=name): name for name, job in jobs.items()
    }
    stopper: asyncio.Task[Any] = asyncio.create_task(stop.wait())
    failed = False
    served = None
    try:
        if settings.sellerbot_metrics_port is not None:
            try:
                served = await metrics.serve(
                    settings.sellerbot_metrics_listen,
                    settings.sellerbot_metrics_port,
                    lambda: {name: not task.done() for task, name in tasks.items()},
                    settings.role,
                )
            except OSError as exc:  # the port is taken or not ours to use
                log.error("cannot serve the metrics: %s", exc)
                return 1
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not stopper and task.exception() is not None:
                failed = True
                log.error(
                    "adapter stopped", exc_info=task.exception(), extra={"adapter": tasks[task]}
                )
    finally:
        stop.set()  # Telegram shuts down gracefully on the event; Discord closes on cancel
        for task, name in tasks.items():
            if name != "telegram" and not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        stopper.cancel()
        if served is not None:
            await served.cleanup()
    return 1 if failed else 0


async def serve_web(assistant: Assistant, settings: Settings, stop: asyncio.Event) -> None:
    """Serve the moderators' dashboard until ``stop`` (in the bots' event loop: pinned answers
    are refreshed through the running adapters).

    Raises:
        ValueError: Without ``SELLERBOT_WEB_SECRET``.
        OSError: When the port cannot be used.
    """
    from bot.web.app import create_app
    from bot.web.server import serve

    assert settings.sellerbot_web_port is not None
    app = create_app(
        assistant.core,
        assistant.repo,
        settings.web_secret(),
        https_only=(settings.web_url or "").startswith("https://"),
        pin_surfaces=assistant.pin_surfaces,
    )
    log.info(
        "dashboard at %s",
        settings.web_url,
        extra={"listen": settings.sellerbot_web_listen, "port": settings.sellerbot_web_port},
    )
    await serve(app, settings.sellerbot_web_listen, settings.sellerbot_web_port, stop)
