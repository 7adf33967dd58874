"""Button tokens for reminders and moderator actions, in the core's token shape.

Families of the one registry (:mod:`bot.core.tokens`), in the core's shape
(``sb1:<lang>:<verb>:<arg>``, at most 64 bytes), so a process that restarted can still answer
the button:

* ``r`` remind: arg ``<hours>.<request time, epoch seconds>``.
* ``x`` cancel a reminder: arg ``<reminder id>``.
* ``m`` moderator action: arg ``<op>.<argument>``; ``op`` is one of :data:`MOD_OPS`.

A token carries no rights: a moderator token pressed by anyone is checked again with
:func:`bot.moderation.permissions.require`, and a cancel token only cancels the
presser's own reminder. Anything malformed, too long or unknown parses to None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core import tokens

#: Moderator operations: note remove, pin forget, pins refresh, stats, log.
MOD_OPS = ("note-rm", "pin-rm", "pins-refresh", "stats", "log")


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
    return tokens.REMIND.build(lang=lang, hours=int(hours), at=int(requested_at.timestamp()))


def cancel(lang: str, reminder_id: int) -> str:
    """Token for "cancel reminder ``reminder_id``"."""
    return tokens.CANCEL.build(lang=lang, reminder=int(reminder_id))


def moderator(lang: str, op: str, arg: str = "") -> str:
    """Token for a moderator operation (see :data:`MOD_OPS`).

    Raises:
        ValueError: For an unknown op, or a token that would not fit 64 bytes.
    """
    if op not in MOD_OPS:
        raise ValueError(f"unknown moderator op {op!r}")
    return tokens.MODERATOR.build(lang=lang, op=op, arg=f".{arg}")


def parse(token: str | None) -> RemindToken | CancelToken | ModToken | None:
    """The action in a token, or None when it is not one of these, malformed or forged."""
    found = tokens.parse(token, "remind", "cancel", "moderator")
    if found is None:
        return None
    lang = found["lang"]
    if found.family == "remind":
        hours, shown = int(found["hours"]), int(found["at"])
        # A forged time far in the future would overflow the date arithmetic downstream.
        if not (0 < hours <= MAX_REMIND_HOURS and 0 <= shown <= MAX_TIMESTAMP):
            return None
        return RemindToken(lang, hours, datetime.fromtimestamp(shown, UTC))
    if found.family == "cancel":
        return CancelToken(lang, int(found["reminder"]))
    return ModToken(lang, found["op"], found["arg"].removeprefix("."))
