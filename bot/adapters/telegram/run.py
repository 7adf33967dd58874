"""Running the bot: polling by default, a webhook when TELEGRAM_WEBHOOK_URL is set; one
reminder service and the start-up refresh of pinned answers alongside."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.app import ALLOWED_UPDATES, build_application, handlers_of
from bot.adapters.telegram.commands import sync_commands
from bot.adapters.telegram.livepins import refresh_all
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.adapters.telegram.reminding import reminder_sender
from bot.assistant import Assistant
from bot.config import Settings
from bot.moderation import ReminderService
from bot.signals import stop_on_signals

log = logging.getLogger(__name__)

#: Seconds a stop waits for the updates already fetched (common container stop timeouts give
#: 10 s, Docker's default, down to 5 s; the rest of the shutdown needs well under one).
DRAIN_SECONDS = 4.0

App = Application[Any, Any, Any, Any, Any, Any]


def webhook_secret(settings: Settings) -> str:
    """The configured secret token, or a fresh random one (set with setWebhook at start)."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    return secrets.token_urlsafe(32)


async def _initialize(app: App, stop: asyncio.Event, retry_delay: float) -> bool:
    """Initialize (getMe), retrying network errors until it works or we are told to stop."""
    delay = retry_delay
    while not stop.is_set():
        try:
            await app.initialize()
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:
            log.warning("Telegram unreachable (%s); retrying in %.0fs", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 60.0)
    return False


async def _refresh_pins(app: App) -> None:
    """Living pins: bring the bot's pinned answers up to the current guidance, in place."""
    h = handlers_of(app)
    try:
        await refresh_all(h.assistant, h.render, app.bot)
    except Exception:
        log.exception("refreshing the pinned answers at start-up failed")


async def serve(
    app: App, settings: Settings, stop: asyncio.Event, retry_delay: float = 2.0
) -> None:
    """Run an Application until ``stop`` is set (or this task is cancelled), then shut down.

    After initializing: the command lists are registered, the reminder service starts (its
    first run sends what fell due while the bot was down, marked late), members are answered,
    and meanwhile, in the background, outdated pinned answers are edited in place (paced by
    the rate limiter, never delaying an answer). Shutting down stops the reminders and
    fetching first, then
    lets the updates already fetched finish (so no vote is lost), for at most
    :data:`DRAIN_SECONDS`, then closes the HTTP client.
    """
    if not await _initialize(app, stop, retry_delay):
        return
    reminders = handlers_of(app).reminders.service
    refreshing: asyncio.Task[None] | None = None
    try:
        try:
            await sync_commands(app.bot, settings.sellerbot_default_lang)
        except TelegramError as exc:
            log.warning("could not register the command lists: %s", exc)
        reminders.start(reminder_sender(app.bot))
        await app.start()
        assert app.updater is not None
        if settings.telegram_webhook_url:
            url = settings.telegram_webhook_url
            await app.updater.start_webhook(
                listen=settings.telegram_webhook_listen,
                port=settings.telegram_webhook_port,
                url_path=urlparse(url).path.lstrip("/"),
                webhook_url=url,
                secret_token=webhook_secret(settings),
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("telegram: webhook mode")
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("telegram: polling")
        refreshing = asyncio.create_task(_refresh_pins(app), name="sellerbot-pins")
        await stop.wait()
    finally:
        log.info("telegram: shutting down")
        if refreshing is not None and not refreshing.done():
            refreshing.cancel()
            await asyncio.gather(refreshing, return_exceptions=True)
        await reminders.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            try:
                await asyncio.wait_for(app.stop(), DRAIN_SECONDS)
            except TimeoutError:  # e.g. answers held back by a group's flood limit
                log.warning(
                    "telegram: updates still under way after %.0f s; stopping anyway",
                    DRAIN_SECONDS,
                    extra={"unhandled": _unhandled(app)},
                )
        await app.shutdown()


def _unhandled(app: App) -> int | None:
    return getattr(app.update_queue, "unhandled", None)


async def run_telegram(
    assistant: Assistant, settings: Settings, stop: asyncio.Event | None = None
) -> None:
    """Run the Telegram bot until SIGINT/SIGTERM (or ``stop``, or cancellation).

    Args:
        assistant: The assistant; its repository stays open (the caller closes it).
        settings: ``TELEGRAM_TOKEN`` and the other ``TELEGRAM_*`` settings.
        stop: Set it to stop; without one, SIGINT and SIGTERM stop the bot.
    """
    if settings.telegram_token is None:
        raise ValueError("TELEGRAM_TOKEN is not set")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    if logging.getLogger("httpx").getEffectiveLevel() < logging.WARNING:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_application(
        assistant,
        settings.telegram_token.get_secret_value(),
        reminders=ReminderService(
            assistant.repo,
            platform=PLATFORM,
            interval=settings.sellerbot_reminder_interval,
            lease=timedelta(seconds=settings.sellerbot_reminder_lease),
        ),
        base_url=settings.telegram_api_base_url,
        rate_limiter=RetryingRateLimiter(
            overall_max_rate=settings.telegram_max_messages_per_second
        ),
    )
    # The dashboard, served in this process, edits and unpins a group's pinned answers so.
    community = handlers_of(app).community
    assistant.pin_surfaces[PLATFORM] = lambda chat_id: community.pin_surface(app.bot, chat_id)
    if stop is not None:
        await serve(app, settings, stop)
        return
    stop = asyncio.Event()
    with stop_on_signals(stop):
        await serve(app, settings, stop)
