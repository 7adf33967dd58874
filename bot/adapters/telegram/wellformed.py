"""The shape every update must have before a handler sees it.

Telegram itself never sends a message without a chat or a user id that is not a number, but a
self-hosted Bot API server, a proxy or a forged webhook call can; the library reads such an
update without complaint and the handlers would fail on it. One check at the door turns it
into silence (and one log line) instead of a traceback per handler.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineQuery, Message, Update, User


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    """Text Telegram could have sent: a string that is valid Unicode (no lone surrogate)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _user(user: User | None, required: bool) -> str | None:
    if user is None:
        return "no sender" if required else None
    if not _int(user.id) or not isinstance(user.first_name, str):
        return "a sender without a numeric id"
    if user.language_code is not None and not isinstance(user.language_code, str):
        return "a sender's language that is not text"
    return None


def _message(message: Message) -> str | None:
    chat = message.chat
    if chat is None or not _int(chat.id) or not isinstance(chat.type, str):
        return "a message without a chat"
    if not _int(message.message_id):
        return "a message without a numeric id"
    for name in ("text", "caption"):
        if getattr(message, name) is not None and not _text(getattr(message, name)):
            return f"a {name} that is not valid text"
    for entity in (*(message.entities or ()), *(message.caption_entities or ())):
        if not (_int(entity.offset) and _int(entity.length) and isinstance(entity.type, str)):
            return "an entity without numeric bounds"
    reply = message.reply_to_message
    if reply is not None and (reply.chat is None or not _int(reply.message_id)):
        return "a reply to a message without a chat"
    return _user(message.from_user, required=False)


def _callback(query: CallbackQuery) -> str | None:
    if not _text(query.id) or (query.data is not None and not _text(query.data)):
        return "a button press without an id or with data that is not valid text"
    if query.message is not None and isinstance(query.message, Message):
        problem = _message(query.message)
        if problem:
            return problem
    return _user(query.from_user, required=True)


def _inline(query: InlineQuery) -> str | None:
    if not _text(query.id) or not _text(query.query):
        return "an inline query without valid text"
    return _user(query.from_user, required=True)


def problem(update: Update) -> str | None:
    """What is wrong with an update's shape, or None when handlers can read it."""
    for message in (update.message, update.edited_message):
        if message is not None:
            return _message(message)
    if update.callback_query is not None:
        return _callback(update.callback_query)
    if update.inline_query is not None:
        return _inline(update.inline_query)
    return None
