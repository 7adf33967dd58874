"""Building the python-telegram-bot Application: handlers, rate limiter, update processor."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.adapters.telegram.backlog import LIMIT, BacklogQueue
from bot.adapters.telegram.commands import aliases
from bot.adapters.telegram.handlers import Handlers
from bot.adapters.telegram.processor import ChatOrderedProcessor
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.adapters.telegram.tolerant import TolerantApplicationBuilder
from bot.assistant import Assistant
from bot.moderation import ReminderService

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
#: Where :func:`add_handlers` keeps the handlers in ``bot_data`` (see :func:`handlers_of`).
HANDLERS_KEY = "sellerbot.handlers"
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
]


def api_base_url(url: str | None) -> str:
    """The Bot API base URL PTB expects (``.../bot``), from a server address or a full URL."""
    if not url:
        return DEFAULT_BASE_URL
    url = url.rstrip("/")
    return url if url.endswith("/bot") or "{token}" in url else f"{url}/bot"


def add_handlers(
    app: Application[Any, Any, Any, Any, Any, Any],
    assistant: Assistant,
    reminders: ReminderService | None = None,
) -> Handlers:
    """Register the bot's handlers on ``app``, keep them in ``bot_data``, and return them."""
    h = Handlers(assistant, reminders)
    app.bot_data[HANDLERS_KEY] = h
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, h.migrate))
    app.add_handler(CommandHandler("start", h.start, filters=new_messages))
    app.add_handler(CommandHandler(aliases("help"), h.help, filters=new_messages))
    app.add_handler(CommandHandler(aliases("language"), h.language, filters=new_messages))
    app.add_handler(CommandHandler(aliases("guide"), h.guide, filters=new_messages))
    app.add_handler(CommandHandler("pin", h.pin, filters=new_messages))
    app.add_handler(CommandHandler("reminders", h.reminders_command, filters=new_messages))
    c = h.community
    for name, callback in (
        ("pins", c.pins), ("unpin", c.unpin), ("refreshpins", c.refresh),
        ("grouplang", c.group_language), ("note", c.note), ("notes", c.notes),
        ("delnote", c.delete_note), ("stats", c.stats), ("modlog", c.action_log),
        ("dashboard", c.dashboard),
    ):  # fmt: skip
        app.add_handler(CommandHandler(name, callback, filters=new_messages))
    # Any other command in a private chat gets the help; in groups it may be another bot's.
    app.add_handler(
        MessageHandler(new_messages & filters.COMMAND & filters.ChatType.PRIVATE, h.help)
    )
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGES & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            h.message,
        )
    )
    app.add_handler(CallbackQueryHandler(h.callback))
    app.add_handler(InlineQueryHandler(h.inline))
    app.add_error_handler(h.error)
    return h


def handlers_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Handlers:
    """The handlers :func:`add_handlers` registered on ``app``."""
    h = app.bot_data[HANDLERS_KEY]
    assert isinstance(h, Handlers)
    return h


def build_application(
    assistant: Assistant,
    token: str,
    *,
    reminders: ReminderService | None = None,
    base_url: str | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    concurrent_updates: int = 64,
    backlog: int = LIMIT,
    **request_timeouts: float,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A ready-to-initialize Application with the bot's handlers.

    Args:
        assistant: The assistant every handler calls.
        token: The bot token.
        reminders: The process's reminder service (its clock also dates the reminder buttons
            and the stats); by default a new one on the assistant's storage.
        base_url: Another Bot API server (``TELEGRAM_API_BASE_URL``), e.g. a self-hosted one.
        rate_limiter: Defaults to :class:`RetryingRateLimiter` (PTB's AIORateLimiter, which
            honours 429 ``retry_after``, plus retries of network errors and 5xx answers).
        concurrent_updates: Updates handled at once; each chat's updates stay in order.
        backlog: Updates at most taken from Telegram and not yet handled (see
            :mod:`bot.adapters.telegram.backlog`): no more are fetched until some are.
        request_timeouts: ``connect_timeout``, ``read_timeout``, ... for the HTTP client.
    """
    builder = (
        TolerantApplicationBuilder()
        .token(token)
        .base_url(api_base_url(base_url))
        .rate_limiter(rate_limiter if rate_limiter is not None else RetryingRateLimiter())
        .concurrent_updates(ChatOrderedProcessor(concurrent_updates))
        .update_queue(BacklogQueue(backlog))
    )
    for name, value in request_timeouts.items():
        builder = getattr(builder, name)(value)
    app = builder.build()
    add_handlers(app, assistant, reminders)
    return app
