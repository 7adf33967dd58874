"""Pinned answers on Telegram: the platform's side of the pin features.

The features (who may, what is recorded, what is taken back, which pins are outdated) are
written once in :mod:`bot.moderation`; :class:`TelegramPins` is Telegram's
:class:`~bot.moderation.surface.PinSurface`: sendMessage, pinChatMessage, unpinChatMessage
and editMessageText on exactly the message the bot recorded. Editing a message does not
unpin it.
"""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember, ChatMemberAdministrator
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.messages import Renderer
from bot.adapters.telegram.sender import NO_PREVIEW, send
from bot.assistant import Assistant
from bot.core import situations
from bot.core.answer import Answer
from bot.moderation import pins
from bot.moderation.surface import PinResult
from bot.storage import PinRecord

log = logging.getLogger(__name__)

#: Telegram's descriptions for a message (or chat) that no longer exists for the bot.
_GONE = ("message to edit not found", "message_id_invalid", "chat not found",
         "message can't be edited")  # fmt: skip


def is_gone(exc: TelegramError) -> bool:
    """Whether an edit failed because the message (or the bot's access to its chat) is gone."""
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and any(g in str(exc).lower() for g in _GONE)


def pin_editor(assistant: Assistant, render: Renderer, bot: Bot) -> pins.Edit:
    """The edit :func:`bot.moderation.pins.refresh` calls for one of the bot's pinned answers.

    The message shows the current guide in the pin's language, with the group's note; its
    keyboard (related answers, "Was this helpful?") is rendered anew as well.
    """
    core = assistant.core

    async def edit(pin: PinRecord) -> pins.EditOutcome:
        if situations.get(pin.situation) is None:
            log.warning(
                "pinned answer of an unknown situation kept as is",
                extra={"situation": pin.situation},
            )
            return "failed"
        lang = pin.lang if pin.lang in core.languages else core.languages[0]
        note = await assistant.repo.get_note(pin.platform, pin.chat_id, pin.situation)
        first = render(core.situation(pin.situation, lang, community_note=note))[0]
        try:
            await bot.edit_message_text(
                first.text,
                chat_id=int(pin.chat_id),
                message_id=int(pin.message_id),
                parse_mode=ParseMode.HTML,
                reply_markup=first.markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return "edited"  # it already shows exactly this
            if is_gone(exc):
                return "gone"
            log.warning("pinned answer not edited: %s", exc)
            return "failed"
        except Forbidden:
            return "gone"  # the bot is no longer in that chat
        except TelegramError as exc:
            log.warning("pinned answer not edited for now: %s", exc)
            return "failed"
        return "edited"

    return edit


async def refresh_all(assistant: Assistant, render: Renderer, bot: Bot) -> pins.RefreshReport:
    """At start-up: bring every pinned answer the bot recorded up to the current guidance."""
    report = await pins.refresh(
        assistant.repo, PLATFORM, assistant.core.content_version,
        pin_editor(assistant, render, bot),
    )  # fmt: skip
    if report != pins.RefreshReport():
        log.info("pinned answers refreshed: %s", report)
    return report


class TelegramPins:
    """One chat's pinned answers, Telegram's way (a :class:`PinSurface`)."""

    def __init__(
        self,
        assistant: Assistant,
        render: Renderer,
        bot: Bot,
        chat_id: int,
        thread_id: int | None = None,
    ) -> None:
        self.bot, self.chat_id, self.thread_id = bot, chat_id, thread_id
        self._edit = pin_editor(assistant, render, bot)
        self._render = render

    async def edit(self, pin: PinRecord) -> pins.EditOutcome:
        return await self._edit(pin)

    async def can_pin(self) -> bool:
        """Whether the bot is an administrator with the right to pin messages."""
        try:
            me = await self.bot.get_chat_member(self.chat_id, self.bot.id)
        except TelegramError as exc:
            log.warning("getChatMember (self) failed: %s", exc)
            return False
        if me.status == ChatMember.OWNER:
            return True
        return isinstance(me, ChatMemberAdministrator) and bool(me.can_pin_messages)

    async def post(self, answer: Answer) -> str | None:
        sent = await send(self.bot, self.chat_id, self._render(answer), thread_id=self.thread_id)
        return str(sent[0].message_id) if sent else None

    async def pin(self, ref: str) -> PinResult:
        try:
            await self.bot.pin_chat_message(self.chat_id, int(ref), disable_notification=True)
        except (BadRequest, Forbidden) as exc:
            log.warning("pinChatMessage refused: %s", exc)
            return "refused"
        except NetworkError as exc:
            # No answer: the pin may have been made. Ask which message is pinned.
            if await self._pinned(int(ref)):
                return "pinned"
            log.warning("pinChatMessage failed: %s", exc)
            return "failed"
        return "pinned"

    async def _pinned(self, message_id: int) -> bool:
        """Whether ``message_id`` is the chat's most recent pin; if Telegram cannot say, the
        pin is taken back (best effort) and this says no, so nothing is left half done."""
        try:
            pinned = (await self.bot.get_chat(self.chat_id)).pinned_message
            return pinned is not None and pinned.message_id == message_id
        except TelegramError:
            await self.unpin(str(message_id))
            return False

    async def unpin(self, ref: str) -> bool:
        try:
            await self.bot.unpin_chat_message(self.chat_id, message_id=int(ref))
        except Forbidden as exc:
            log.warning("unpinChatMessage refused: %s", exc)
            return False
        except BadRequest as exc:
            if "rights" in str(exc).lower():
                log.warning("unpinChatMessage refused: %s", exc)
                return False
            log.info("unpinChatMessage: %s", exc)  # already unpinned or deleted by hand
        except TelegramError as exc:
            log.warning("unpinChatMessage failed: %s", exc)
            return False
        return True
