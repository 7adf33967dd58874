"""Refusals: an action that may not or cannot be done, raised before anything changes.

Every refusal is a :class:`Refused` carrying its catalog key and values; the adapters turn it
into a reply in one place each (Telegram: the command error handler and the callback
dispatcher; Discord: the command tree's ``on_error`` and the component router), so no feature
checks a return value by hand.
"""

from __future__ import annotations

from typing import ClassVar

from bot.moderation.texts import text


class Refused(Exception):
    """An action refused; :meth:`message` says why, in the member's language.

    Attributes:
        code: What is wrong (the last part of the catalog key).
        params: Values for the message's placeholders.
    """

    #: Catalog prefix of the messages (under ``mod.``).
    catalog: ClassVar[str] = "refusal"

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, lang: str) -> str:
        """The reason, in ``lang``, as plain text (escape it for the platform's markup)."""
        return text(lang, f"{self.catalog}.{self.code}", **self.params)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and isinstance(other, Refused)
            and (other.code, other.params) == (self.code, self.params)
        )

    def __hash__(self) -> int:
        return hash((type(self), self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, **{self.params!r})"


class NotAllowed(Refused):
    """The member lacks the right: ``not_moderator``, ``need_pin_right``, ``not_in_community``,
    or ``rights_unknown`` (the platform could not be asked just now: try again)."""


class NoteRefused(Refused):
    """A note, situation or language that cannot be used: ``empty``, ``too_long`` (``length``,
    ``max``), ``unknown_situation`` or ``unknown_language`` (``value``)."""

    catalog = "note"


class ReminderRefused(Refused):
    """A reminder that cannot be scheduled: ``bad_choice``, ``past``, ``after_deadline``,
    ``bad_request_time`` or ``too_many``."""

    catalog = "reminder"


class DashboardRefused(Refused):
    """No dashboard link can be given: ``off`` (the dashboard is not configured)."""

    catalog = "dashboard"
