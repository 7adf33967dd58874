"""Deadline reminders on Telegram: buttons under the cancel-request answer, the private messages,
and ``/reminders`` to list and cancel them.

Scheduling, storage, late and expired reminders are :class:`bot.moderation.ReminderService`'s
business; this module turns its values into buttons and messages. The buttons carry their own
state (``sb1:<lang>:r:<hours>.<shown at>`` and ``sb1:<lang>:x:<id>``), so a restarted bot still
answers them, and a cancel button only ever cancels the presser's own reminder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.convert import member_of, place_of, sender_of
from bot.adapters.telegram.keyboards import keyboard
from bot.adapters.telegram.messages import OutMessage, plain
from bot.adapters.telegram.sender import NO_PREVIEW, edit, reply
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant
from bot.core import situations
from bot.core.answer import Answer, AnswerKind, Choice, ChoiceKind
from bot.core.escaping import telegram_html
from bot.moderation import tokens, views
from bot.moderation.reminders import (
    ReminderService,
    Send,
    format_time,
    reminder_text,
)
from bot.moderation.texts import text as mod_text
from bot.storage import Reminder

log = logging.getLogger(__name__)

#: Reminder buttons per row.
PER_ROW = 2


@dataclass(frozen=True)
class Toast:
    """What a button press answers with: a short notice, and a t.me link to open, if any."""

    text: str | None = None
    url: str | None = None


def reminder_sender(bot: Bot) -> Send:
    """The ``send`` of :class:`ReminderService`: one reminder as a private message.

    Returns False when Telegram refuses (the member blocked the bot, or never started it);
    the service retries a few times and then gives the reminder up. Network errors propagate
    and count as a failed attempt too.
    """

    async def send(reminder: Reminder, late: bool) -> bool:
        try:
            await bot.send_message(
                int(reminder.user_id),
                telegram_html(reminder_text(reminder, late)),
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
            )
        except (Forbidden, BadRequest) as exc:
            log.warning("reminder %d not delivered: %s", reminder.id, exc)
            return False
        return True

    return send


def _is_feedback_row(row: tuple[InlineKeyboardButton, ...]) -> bool:
    return any(
        isinstance(b.callback_data, str) and b.callback_data.split(":")[2:3] == ["f"] for b in row
    )


class Reminders:
    """Reminder buttons, the ``/reminders`` command and the remind/cancel button presses."""

    def __init__(self, assistant: Assistant, service: ReminderService) -> None:
        self.assistant = assistant
        self.service = service

    # -- under the answer ------------------------------------------------------------------
    def buttons(self, lang: str, shown_at: datetime) -> list[list[InlineKeyboardButton]]:
        """Rows of "Remind me after N h" buttons; the deadline counts from ``shown_at``."""
        row = [
            InlineKeyboardButton(mod_text(lang, "reminder.choice", hours=hours),
                                 callback_data=tokens.remind(lang, hours, shown_at))
            for hours in self.service.choices
        ]  # fmt: skip
        return [row[i : i + PER_ROW] for i in range(0, len(row), PER_ROW)]

    def attach(self, answer: Answer, outs: list[OutMessage]) -> list[OutMessage]:
        """``outs`` with the reminder buttons under the cancel-request guide (above its
        feedback row); any other answer unchanged."""
        situation = situations.get(answer.situation or "")
        if (
            answer.kind != AnswerKind.SITUATION
            or situation is None
            or not situation.offers_reminders
            or not outs
        ):
            return outs
        last = outs[-1]
        rows = list(last.markup.inline_keyboard) if last.markup is not None else []
        at = next((i for i, row in enumerate(rows) if _is_feedback_row(row)), len(rows))
        extra = [tuple(r) for r in self.buttons(answer.lang, self.service.clock.now())]
        markup = InlineKeyboardMarkup([*rows[:at], *extra, *rows[at:]])
        return [*outs[:-1], OutMessage(last.text, markup)]

    # -- /reminders ------------------------------------------------------------------------
    async def listing(self, user_id: str, lang: str, header: str | None = None) -> OutMessage:
        """A member's pending reminders, each with a cancel button."""
        pending = await self.service.pending(PLATFORM, user_id)
        view = views.reminders_view(pending, lang, header)
        shown = views.as_message(self.assistant.core, view, "telegram")
        return OutMessage(shown, keyboard(list(view.buttons)) if view.buttons else None)

    async def command(self, update: Update, bot: Bot) -> None:
        """/reminders: the member's pending reminders, with buttons to cancel them."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return
        member, place = sender_of(message), place_of(message.chat)
        lang = await self.assistant.language(member, place)
        await reply(bot, message, [await self.listing(member.user_id, lang)])

    # -- buttons ---------------------------------------------------------------------------
    def _lang(self, token_lang: str) -> str | None:
        return token_lang if token_lang in self.assistant.core.languages else None

    async def remind(
        self, bot: Bot, user: User, message: Message | None, token: tokens.RemindToken
    ) -> Toast:
        """Schedule a reminder for the presser and confirm it in a private message.

        If the bot may not write to the member yet (they never started it), the reminder is
        cancelled again and the member is sent to the bot's chat to press Start.
        """
        member = member_of(user)
        place = place_of(message.chat if message is not None else None)
        lang = self._lang(token.lang) or await self.assistant.language(member, place)
        result = await self.service.schedule(
            PLATFORM, member.user_id, token.hours, lang=lang, chat_id=place.chat_id,
            requested_at=token.requested_at,
        )  # fmt: skip
        scheduled = mod_text(lang, "reminder.scheduled", when=format_time(result.remind_at))
        confirmation = plain(
            f"{scheduled}\n{text(lang, 'reminder.manage')}",
            keyboard([Choice(tokens.cancel(lang, result.id),
                             mod_text(lang, "reminder.cancel_button", id=result.id),
                             ChoiceKind.REMOVE)]),
        )  # fmt: skip
        try:
            await bot.send_message(user.id, confirmation.text, parse_mode=ParseMode.HTML,
                                   reply_markup=confirmation.markup,
                                   link_preview_options=NO_PREVIEW)  # fmt: skip
        except (Forbidden, BadRequest) as exc:
            log.info("no private chat with the member yet: %s", exc)
            await self.service.cancel(PLATFORM, member.user_id, result.id)
            return Toast(text(lang, "reminder.need_start"),
                         url=f"https://t.me/{bot.username}?start=reminders")  # fmt: skip
        return Toast(scheduled)

    async def cancel(
        self, bot: Bot, user: User, message: Message | None, token: tokens.CancelToken
    ) -> Toast:
        """Cancel the presser's own reminder; the message becomes their fresh list."""
        member = member_of(user)
        place = place_of(message.chat if message is not None else None)
        lang = self._lang(token.lang) or await self.assistant.language(member, place)
        if not await self.service.cancel(PLATFORM, member.user_id, token.reminder_id):
            return Toast(mod_text(lang, "reminder.not_found"))
        done = mod_text(lang, "reminder.cancelled")
        if message is not None:
            await edit(bot, message, [await self.listing(member.user_id, lang, header=done)])
        return Toast(done)
