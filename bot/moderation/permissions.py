"""Who may do what: a platform-neutral moderator check, and the moderator action log.

Adapters decide the facts from the platform (Discord: Manage Server, or Pin Messages for pins;
Telegram: chat administrator) and pass them in an :class:`Actor`. Every moderator action,
however it was reached (command, button, callback, modal), is a method decorated with
:func:`requires`, so it is checked before it changes anything, and goes through :func:`record`
after.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Concatenate, Literal, ParamSpec, TypeVar

from bot.moderation.refusals import NotAllowed
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


def require(actor: Actor, need: Need = "manage", chat_id: str | None = "-") -> str:
    """Check that ``actor`` may do a moderator action in ``chat_id``; return the chat id.

    Args:
        actor: Who asks, with the rights their platform reported.
        need: ``manage`` for settings, notes, stats and the log; ``pins`` for pins.
        chat_id: The community the action is for; None (a private chat) is always refused.

    Raises:
        NotAllowed: ``not_in_community``, ``rights_unknown``, ``need_pin_right`` or
            ``not_moderator``.
    """
    if chat_id is None:
        raise NotAllowed("not_in_community")
    if actor.is_moderator:
        return chat_id
    if actor.rights_unknown:
        raise NotAllowed("rights_unknown")
    if need == "pins" and actor.can_pin:
        return chat_id
    raise NotAllowed("need_pin_right" if need == "pins" else "not_moderator")


S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


def requires(
    need: Need,
) -> Callable[
    [Callable[Concatenate[S, Actor, str, P], Awaitable[R]]],
    Callable[Concatenate[S, Actor, str | None, P], Awaitable[R]],
]:
    """Decorate a moderator action ``(self, actor, chat_id, ...)``: :func:`require` runs first,
    so the action itself only ever sees a checked actor and a community id."""

    def wrap(
        action: Callable[Concatenate[S, Actor, str, P], Awaitable[R]],
    ) -> Callable[Concatenate[S, Actor, str | None, P], Awaitable[R]]:
        @functools.wraps(action)
        async def checked(
            self: S, actor: Actor, chat_id: str | None, *args: P.args, **kwargs: P.kwargs
        ) -> R:
            return await action(self, actor, require(actor, need, chat_id), *args, **kwargs)

        return checked

    return wrap


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
