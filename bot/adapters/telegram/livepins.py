"""Living pins on Telegram: edit the bot's own pinned answers in place when the guidance changes.

The platform-neutral part (which pins are outdated, what they should show, forgetting the gone
ones) is :mod:`bot.moderation.pins`; this module supplies the in-place edit, through
editMessageText on exactly the message the bot recorded, and nothing else. Editing a message
does not unpin it.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.messages import Renderer
from bot.adapters.telegram.sender import NO_PREVIEW
from bot.assistant import Assistant
from bot.core import situations
from bot.moderation import pins
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


async def refresh_chat(
    assistant: Assistant, render: Renderer, bot: Bot, chat_id: str
) -> pins.RefreshReport:
    """Refresh one group's pinned answers (after its note changed), without a log entry."""
    return await pins.refresh(
        assistant.repo, PLATFORM, assistant.core.content_version,
        pin_editor(assistant, render, bot), chat_id,
    )  # fmt: skip
