"""Who may do what: a platform-neutral moderator check, and the moderator action log.

Adapters decide the facts from the platform (Discord: Manage Server, or Pin Messages for pins;
Telegram: chat administrator) and pass them in an :class:`Actor`. Every moderator action,
however it was reached (command, button, callback, modal), goes through
:func:`require_moderator` before it changes anything, and through :func:`record` after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.moderation.texts import text
from bot.storage import Repository

log = logging.getLogger(__name__)

#: ``manage``: community settings, notes, stats, log. ``pins``: list, refresh, forget pins.
Need = Literal["manage", "pins"]


@dataclass(frozen=True)
class Actor:
    """The member asking for a moderator action, with the rights the adapter verified.

    Attributes:
        platform: Platform name.
        user_id: The member's raw platform user id.
        is_moderator: Discord: Manage Server; Telegram: chat administrator or owner.
        can_pin: May pin messages (Discord: Pin Messages). Moderators always may.
        rights_unknown: The platform could not be asked just now (a timeout, a 5xx): the
            member is told to try again, not that they are no moderator.
    """

    platform: str
    user_id: str
    is_moderator: bool
    can_pin: bool = False
    rights_unknown: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why an action was refused; :meth:`message` gives the member a clear reason.

    Attributes:
        code: ``not_moderator``, ``need_pin_right``, ``not_in_community`` or
            ``rights_unknown``.
    """

    code: str

    def message(self, lang: str) -> str:
        """The refusal, in ``lang``, as plain text (escape it for the platform's markup)."""
        return text(lang, f"refusal.{self.code}")


def require_moderator(
    actor: Actor, need: Need = "manage", chat_id: str | None = "-"
) -> Refusal | None:
    """Return a :class:`Refusal` if ``actor`` may not do a moderator action, else None.

    Args:
        actor: Who asks, with the rights their platform reported.
        need: ``manage`` for settings, notes, stats and the log; ``pins`` for pins.
        chat_id: The community the action is for; None (a private chat) is always refused.
    """
    if chat_id is None:
        return Refusal("not_in_community")
    if actor.is_moderator:
        return None
    if actor.rights_unknown:
        return Refusal("rights_unknown")
    if need == "pins":
        return None if actor.can_pin else Refusal("need_pin_right")
    return Refusal("not_moderator")


async def record(
    repo: Repository, actor: Actor, chat_id: str, action: str, detail: str = ""
) -> None:
    """Write a moderator action to the community's log (who, what, when).

    Args:
        repo: Storage.
        actor: The moderator who acted.
        chat_id: The community.
        action: Short action name, e.g. ``note.set``.
        detail: What exactly (no member ids other than the actor's).
    """
    await repo.log_action(actor.platform, chat_id, actor.user_id, action, detail)
    log.info(
        "moderator action",
        extra={"platform": actor.platform, "chat_id": chat_id, "action": action},
    )

