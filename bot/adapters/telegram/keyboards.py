"""Inline keyboards from the core's choices, within Telegram's limits.

The core's button tokens are the callback_data: they carry their own state, so buttons keep
working after a restart. Adapter-only buttons (language choice, pin choice, the group's
language) are the registry's ``tg1:`` families (:mod:`bot.core.tokens`), which carry their
state the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import tokens
from bot.core.answer import Choice, ChoiceKind

log = logging.getLogger(__name__)

MAX_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_PER_ROW = 8
#: Labels up to this length share a row (up to ``MAX_PER_ROW``); longer ones get their own.
SHORT_LABEL = 12

#: The registry's Telegram-only families by this module's verb, and the field of the argument.
_FAMILIES = {
    "lang": (tokens.MY_LANGUAGE, "code"),
    "pin": (tokens.PIN_PICK, "situation"),
    "glang": (tokens.GROUP_LANGUAGE, "code"),
}
_VERBS = {family.name: verb for verb, (family, _field) in _FAMILIES.items()}


@dataclass(frozen=True)
class AdapterAction:
    """A Telegram-only button: ``tg1:lang:<code|auto>``, ``tg1:pin:<situation>:<lang>`` or
    ``tg1:glang:<code|auto>`` (a moderator sets the group's language)."""

    verb: str
    arg: str
    lang: str | None = None

    @property
    def token(self) -> str:
        family, field = _FAMILIES[self.verb]
        values = {field: self.arg, **({"lang": self.lang} if self.lang else {})}
        return family.form.format(**values)


def parse_adapter_token(data: str | None) -> AdapterAction | None:
    """The adapter action in callback data, or None when it is not one (or forged)."""
    found = tokens.parse(data, *_VERBS)
    if found is None:
        return None
    verb = _VERBS[found.family]
    return AdapterAction(verb, found[_FAMILIES[verb][1]], found.fields.get("lang"))


def _fits(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_DATA_BYTES


def rows_for(choices: Sequence[Choice]) -> list[list[Choice]]:
    """Lay choices out in rows: feedback buttons side by side, long labels one per row."""
    rows: list[list[Choice]] = []
    current: list[Choice] = []
    for choice in choices:
        if not _fits(choice.token):
            log.warning(
                "button dropped: callback data over 64 bytes", extra={"token": choice.token}
            )
            continue
        short = choice.kind == ChoiceKind.FEEDBACK or len(choice.label) <= SHORT_LABEL
        if short and current and len(current) < MAX_PER_ROW and current[-1].kind == choice.kind:
            current.append(choice)
            continue
        if current:
            rows.append(current)
        current = [choice]
        if not short:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def keyboard(choices: Iterable[Choice]) -> InlineKeyboardMarkup | None:
    """An inline keyboard for ``choices``, or None when there are none.

    At most 100 buttons and 8 a row; anything beyond is dropped with a warning.
    """
    out: list[list[InlineKeyboardButton]] = []
    total = 0
    for row in rows_for(list(choices)):
        take = row[: MAX_BUTTONS - total]
        if not take:
            log.warning("buttons dropped: more than %d", MAX_BUTTONS)
            break
        out.append([InlineKeyboardButton(c.label, callback_data=c.token) for c in take])
        total += len(take)
    return InlineKeyboardMarkup(out) if out else None


def has_feedback(markup: InlineKeyboardMarkup | None) -> bool:
    """Whether a message's keyboard carries feedback buttons (so it shows an answer)."""
    if markup is None:
        return False
    return any(
        isinstance(b.callback_data, str) and b.callback_data.split(":")[2:3] == ["f"]
        for row in markup.inline_keyboard
        for b in row
    )


def carries(markup: InlineKeyboardMarkup | None, data: str) -> bool:
    """Whether a message's keyboard has a button with this callback data."""
    if markup is None:
        return False
    return any(b.callback_data == data for row in markup.inline_keyboard for b in row)


def is_menu(markup: InlineKeyboardMarkup | None) -> bool:
    """Whether a message is a menu or step the bot may redraw in place: it has a keyboard
    (Telegram sends presses on old messages without it) and no feedback row (guides, pinned
    ones among them, are never replaced by a press)."""
    return markup is not None and not has_feedback(markup)
