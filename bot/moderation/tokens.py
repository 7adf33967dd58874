"""Button tokens for reminders and moderator actions, in the core's token shape.

Same shape as :mod:`bot.core.actions` (``sb1:<lang>:<verb>:<arg>``, at most 64 bytes) with
verbs the core does not use, so a process that restarted can still answer the button:

* ``r`` remind: arg ``<hours>.<request time, epoch seconds>``.
* ``x`` cancel a reminder: arg ``<reminder id>``.
* ``m`` moderator action: arg ``<op>.<argument>``; ``op`` is one of :data:`MOD_OPS`.

A token carries no rights: a moderator token pressed by anyone is checked again with
:func:`bot.moderation.permissions.require_moderator`, and a cancel token only cancels the
presser's own reminder. Anything malformed, too long or unknown parses to None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.actions import MAX_BYTES, PREFIX

#: Moderator operations: note remove, pin forget, pins refresh, stats, log.
MOD_OPS = ("note-rm", "pin-rm", "pins-refresh", "stats", "log")

_TOKEN = re.compile(r"sb1:([a-z]{2,3}):([rxm]):([a-z0-9.\-]{1,48})")
_REMIND = re.compile(r"(\d{1,3})\.(\d{1,12})")
_CANCEL = re.compile(r"\d{1,12}")


@dataclass(frozen=True)
class RemindToken:
    """A "remind me after N hours" button."""

    lang: str
    hours: int
    requested_at: datetime


@dataclass(frozen=True)
class CancelToken:
    """A "cancel this reminder" button."""

    lang: str
    reminder_id: int


@dataclass(frozen=True)
class ModToken:
    """A moderator action button; ``arg`` may be empty."""

    lang: str
    op: str
    arg: str


#: Reminder buttons offer a few hours before a 48-hour deadline; a month is far beyond.
MAX_REMIND_HOURS = 24 * 30
#: Times on buttons are Unix seconds; 2100-01-01 is far beyond any button we sent.
MAX_TIMESTAMP = 4_102_444_800


def remind(lang: str, hours: int, requested_at: datetime) -> str:
    """Token for "remind me ``hours`` after ``requested_at``"."""
    return f"{PREFIX}:{lang}:r:{int(hours)}.{int(requested_at.timestamp())}"


def cancel(lang: str, reminder_id: int) -> str:
    """Token for "cancel reminder ``reminder_id``"."""
    return f"{PREFIX}:{lang}:x:{int(reminder_id)}"


def moderator(lang: str, op: str, arg: str = "") -> str:
    """Token for a moderator operation (see :data:`MOD_OPS`).

    Raises:
        ValueError: For an unknown op, or a token that would not fit 64 bytes.
    """
    if op not in MOD_OPS:
        raise ValueError(f"unknown moderator op {op!r}")
    token = f"{PREFIX}:{lang}:m:{op}.{arg}"
    if len(token.encode("utf-8")) > MAX_BYTES or parse(token) is None:
        raise ValueError(f"moderator token does not fit: {token!r}")
    return token


def parse(token: str | None) -> RemindToken | CancelToken | ModToken | None:
    """The action in a token, or None when it is not one of these, malformed or forged."""
    if not token or len(token.encode("utf-8")) > MAX_BYTES:
        return None
    m = _TOKEN.fullmatch(token)
    if m is None:
        return None
    lang, verb, arg = m.groups()
    if verb == "r":
        r = _REMIND.fullmatch(arg)
        if r is None:
            return None
        hours, shown = int(r.group(1)), int(r.group(2))
        # A forged time far in the future would overflow the date arithmetic downstream.
        if not (0 < hours <= MAX_REMIND_HOURS and 0 <= shown <= MAX_TIMESTAMP):
            return None
        return RemindToken(lang, hours, datetime.fromtimestamp(shown, UTC))
    if verb == "x":
        return CancelToken(lang, int(arg)) if _CANCEL.fullmatch(arg) else None
    op, _, rest = arg.partition(".")
    return ModToken(lang, op, rest) if op in MOD_OPS else None
