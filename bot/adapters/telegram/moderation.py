"""Moderators: who administers a chat, and /pin (post an answer, pin it, record the pin)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, Chat, ChatMember, Message, User
from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.keyboards import AdapterAction
from bot.adapters.telegram.livepins import TelegramPins
from bot.adapters.telegram.messages import Renderer
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant, Member, Place
from bot.core import matching, situations
from bot.core.answer import Choice
from bot.core.language import match_locale
from bot.moderation.permissions import Actor
from bot.moderation.service import Moderation

log = logging.getLogger(__name__)


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool | None:
    """Whether the user administers the chat (creator or administrator), per getChatMember;
    None when Telegram could not be asked just now (network, timeout, 5xx, flood limit)."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
        log.warning("getChatMember failed for now: %s", exc)
        return None
    except TelegramError as exc:
        log.warning("getChatMember failed: %s", exc)
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


def sent_by_chat_admin(message: Message) -> bool:
    """An anonymous administrator posts as the group itself."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat_id


def parse_args(args: Sequence[str], languages: Sequence[str]) -> tuple[str | None, str | None]:
    """``/pin <situation> [lang]``: the situation id (exact or a unique prefix) and language."""
    sid = lang = None
    for arg in args:
        word = arg.strip().lower()
        if sid is None and (found := matching.by_id(word)):
            sid = found
            continue
        if lang is None and (found := match_locale(word, languages)):
            lang = found
    return sid, lang


def chooser(assistant: Assistant, lang: str) -> list[Choice]:
    """Buttons to pick the situation to pin; each carries situation and language."""
    return [
        Choice(AdapterAction("pin", s.id, lang).token, assistant.core.t(lang, f"{s.id}.title"))
        for s in situations.SITUATIONS
    ]


async def pin_answer(
    moderation: Moderation,
    assistant: Assistant,
    render: Renderer,
    bot: Bot,
    chat: Chat,
    member: Member,
    situation_id: str,
    lang: str | None,
    ui_lang: str,
    thread_id: int | None = None,
) -> str | None:
    """Post the answer, pin it and record the pin (:meth:`Moderation.pin`); what went wrong,
    in ``ui_lang``, or None. The caller has checked that ``member`` administers the chat."""
    place = Place(PLATFORM, str(chat.id))
    if lang not in assistant.core.languages:
        lang = await assistant.language(member, place)
    actor = Actor(PLATFORM, member.user_id, is_moderator=True, can_pin=True)
    surface = TelegramPins(assistant, render, bot, chat.id, thread_id)
    outcome, _ = await moderation.pin(actor, str(chat.id), situation_id, lang, surface)
    if outcome in ("cannot_pin", "refused"):
        return text(ui_lang, "pin.grant")
    if outcome != "pinned":
        return assistant.core.t(ui_lang, "ui.not_saved")
    return None


async def actor_for(
    bot: Bot, chat: Chat | None, user: User, command: Message | None = None
) -> Actor:
    """The member asking for a moderator action, with the rights getChatMember reports now.

    Asked anew for every action, however it was reached (command or button): a button carries
    no rights. In a private chat (``chat`` None or private) nobody is asked and nobody is a
    moderator; the moderation service then refuses with "only in a group".

    Args:
        bot: The bot.
        chat: Where the action is asked for.
        user: Who asks (for a button, the presser, not the message's author).
        command: The command message, when there is one: an anonymous administrator posts as
            the group itself and cannot be looked up by user.
    """
    if chat is None or chat.type == Chat.PRIVATE:
        return Actor(PLATFORM, str(user.id), is_moderator=False)
    admin = (command is not None and sent_by_chat_admin(command)) or await is_admin(
        bot, chat.id, user.id
    )
    return Actor(
        PLATFORM,
        str(user.id),
        is_moderator=bool(admin),
        can_pin=bool(admin),
        rights_unknown=admin is None,
    )
