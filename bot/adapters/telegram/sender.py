"""Sending and editing messages: HTML, no link previews, replies that survive deletion."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.adapters.telegram.messages import OutMessage

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def thread_of(message: Message | None) -> int | None:
    """The forum topic a message belongs to, so answers stay in it."""
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


async def send(
    bot: Bot,
    chat_id: int,
    outs: Sequence[OutMessage],
    *,
    reply_to: int | None = None,
    thread_id: int | None = None,
) -> list[Message]:
    """Send the messages in order; the first one replies to ``reply_to`` when given."""
    sent: list[Message] = []
    for i, out in enumerate(outs):
        reply = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and i == 0
            else None
        )
        sent.append(
            await bot.send_message(
                chat_id,
                out.text,
                parse_mode=ParseMode.HTML,
                reply_markup=out.markup,
                reply_parameters=reply,
                message_thread_id=thread_id,
                link_preview_options=NO_PREVIEW,
            )
        )
    return sent


def _not_modified(exc: BadRequest) -> bool:
    return "not modified" in str(exc).lower()


async def edit(bot: Bot, message: Message, outs: Sequence[OutMessage]) -> None:
    """Show ``outs`` in place of ``message``; chunks beyond the first follow as new messages."""
    first, rest = outs[0], outs[1:]
    try:
        await bot.edit_message_text(
            first.text,
            chat_id=message.chat_id,
            message_id=message.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=first.markup,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if not _not_modified(exc):
            raise
    if rest:
        await send(bot, message.chat_id, rest, thread_id=thread_of(message))


async def reply(bot: Bot, message: Message, outs: Sequence[OutMessage]) -> list[Message]:
    """Answer ``message``: in groups as a reply to it (in its topic), in private chats plainly."""
    private = message.chat.type == "private"
    return await send(
        bot,
        message.chat_id,
        outs,
        reply_to=None if private else message.message_id,
        thread_id=thread_of(message),
    )
