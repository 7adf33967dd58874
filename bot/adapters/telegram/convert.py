"""Telegram updates to platform-neutral members and places, and what a message asks."""

from __future__ import annotations

from telegram import Chat, Message, MessageEntity, User

from bot.adapters.telegram import PLATFORM
from bot.assistant import Member, Place


def member_of(user: User) -> Member:
    """The member behind a Telegram user; ``language_code`` is their client's language."""
    return Member(PLATFORM, str(user.id), user.language_code)


#: Senders Telegram shares between many people: an anonymous group administrator
#: (GroupAnonymousBot) and a channel posting in its discussion group (Channel_Bot).
SHARED_SENDERS = frozenset({1087968824, 136817688})


def sender_of(message: Message) -> Member:
    """Who sent a message. An anonymous administrator (or a channel) posts under an id that
    Telegram shares between every such sender everywhere, so nothing personal may be keyed to
    it: they are the group itself, speaking (keyed per group)."""
    user = message.from_user
    anonymous = message.sender_chat is not None or (user is not None and user.id in SHARED_SENDERS)
    if anonymous or user is None:
        return Member(PLATFORM, f"chat:{message.chat_id}", None)
    return member_of(user)


def place_of(chat: Chat | None) -> Place:
    """A group or channel as a place; a private chat (or none, inline) as no place."""
    if chat is None or chat.type == Chat.PRIVATE:
        return Place(PLATFORM, None)
    return Place(PLATFORM, str(chat.id))


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


def message_text(message: Message) -> str | None:
    """The text of a message, or the caption of a photo or document; None if neither."""
    return message.text if message.text is not None else message.caption


def _utf16(text: str) -> bytes:
    """Entity offsets count UTF-16 code units; a lone surrogate is kept, not refused."""
    return text.encode("utf-16-le", "surrogatepass")


def _span(raw: bytes, entity: MessageEntity) -> tuple[int, int]:
    """An entity's byte span in ``raw``, clipped to the text (offsets may be forged)."""
    units = len(raw) // 2
    start = min(max(entity.offset, 0), units)
    end = min(max(entity.offset + entity.length, start), units)
    return start * 2, end * 2


def _mentions_bot(message: Message, text: str, username: str, bot_id: int) -> list[MessageEntity]:
    entities = message.entities or message.caption_entities or ()
    raw = _utf16(text)
    found = []
    for entity in entities:
        if entity.type == MessageEntity.MENTION:
            start, end = _span(raw, entity)
            said = raw[start:end].decode("utf-16-le", "replace")
            if said.lstrip("@").lower() == username.lower():
                found.append(entity)
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            found.append(entity)
    return found


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """What a group message asks the bot, or None when it is not addressed to the bot.

    A message is addressed to the bot when it mentions the bot or replies to one of the bot's
    messages; the mention itself is removed from the question.
    """
    text = message_text(message)
    if text is None:
        return None
    mentions = _mentions_bot(message, text, username, bot_id)
    reply = message.reply_to_message
    replies_to_bot = (
        reply is not None
        and reply.from_user is not None
        and reply.from_user.id == bot_id
        and not (message.is_topic_message and reply.forum_topic_created is not None)
    )
    if not mentions and not replies_to_bot:
        return None
    if mentions:
        # Entity offsets count UTF-16 code units; cut the mentions out in that space.
        raw = _utf16(text)
        for entity in sorted(mentions, key=lambda e: e.offset, reverse=True):
            start, end = _span(raw, entity)
            raw = raw[:start] + raw[end:]
        text = raw.decode("utf-16-le", "replace")
    return " ".join(text.split())
