"""What a platform does for the moderators' features: the small surface an adapter implements.

The features themselves (:class:`bot.moderation.service.Moderation`) are written once: who may,
what is recorded and logged, what is taken back when a step fails half-way. An adapter
converts: it posts, pins, unpins and edits messages its platform's way and says how it went.
A third platform needs an implementation of :class:`PinSurface` and its texts, nothing more.
"""

from __future__ import annotations

from typing import Literal, Protocol

from bot.core.answer import Answer
from bot.moderation.pins import EditOutcome
from bot.storage import PinRecord

#: How pinning a posted message went: pinned, refused by the platform (no right), or failed
#: with no way to tell (the surface has taken the pin back, so nothing is left half done).
PinResult = Literal["pinned", "refused", "failed"]


class PinSurface(Protocol):
    """One community's pinned messages, as the platform handles them.

    A *ref* is how the platform names one message in the community (Telegram: the message
    id; Discord: ``<channel id>-<message id>``); it is what the pin records keep.
    """

    async def can_pin(self) -> bool:
        """Whether the bot may pin messages here now."""
        ...

    async def post(self, answer: Answer) -> str | None:
        """Post ``answer`` publicly; the ref of the message to pin, or None if not posted."""
        ...

    async def pin(self, ref: str) -> PinResult:
        """Pin the posted message."""
        ...

    async def unpin(self, ref: str) -> bool:
        """Unpin a message; True when it is unpinned or gone, False when the platform refused
        (the pin stays, and its record with it)."""
        ...

    async def edit(self, pin: PinRecord) -> EditOutcome:
        """Edit a pinned answer in place to show its current guide."""
        ...
