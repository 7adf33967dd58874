"""The storage interface the rest of the bot uses, and the records it returns.

Callers depend only on :class:`Repository`; backends (``SqliteRepository`` today, a
PostgreSQL one later) implement it. Conventions shared by every method:

* ``platform`` is a short name such as ``"telegram"``, ``"discord"`` or ``"console"``.
* Ids (users, chats, messages) are strings, whatever the platform uses natively.
* Times are timezone-aware UTC datetimes. Methods that record something take an optional
  ``at=``; it defaults to now. Naive datetimes are rejected with ``ValueError``.
* Member ids are never stored raw: backends store a salted SHA-256 hash instead
  (see :func:`bot.storage.values.hash_member_id`).
* Report filters left as ``None`` mean "all" (all platforms, all chats, all time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self


@dataclass(frozen=True)
class CommunitySettings:
    """Settings of one group chat, channel or server.

    Attributes:
        platform: Platform name.
        chat_id: The community's chat id.
        default_lang: Language for everyone in the community, or None to follow each member.
        updated_at: When the settings last changed (UTC).
    """

    platform: str
    chat_id: str
    default_lang: str | None
    updated_at: datetime


@dataclass(frozen=True)
class UnroutedCount:
    """How often one (normalised) question text could not be routed.

    Attributes:
        text: The question text, lowercased, stripped, whitespace collapsed.
        lang: Language the question was asked in.
        count: Number of times it was asked.
        last_seen: When it was last asked (UTC).
    """

    text: str
    lang: str
    count: int
    last_seen: datetime


@dataclass(frozen=True)
class FeedbackSummary:
    """Votes on answers for one situation in one language.

    Attributes:
        situation: Situation id the answers were about.
        lang: Language of the answers.
        helpful: Number of "helpful" votes.
        not_helpful: Number of "not helpful" votes.
    """

    situation: str
    lang: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        """All votes, helpful or not."""
        return self.helpful + self.not_helpful


@dataclass(frozen=True)
class PinRecord:
    """A message the bot pinned, so it can be refreshed when its content changes.

    Attributes:
        platform: Platform name.
        chat_id: Chat the message is pinned in.
        message_id: The pinned message's id.
        situation: Situation id the message explains.
        lang: Language of the message.
        content_version: Version (or hash) of the content the message currently shows.
        pinned_at: When the pin was first recorded (UTC).
        updated_at: When the record last changed (UTC).
    """

    platform: str
    chat_id: str
    message_id: str
    situation: str
    lang: str
    content_version: str
    pinned_at: datetime
    updated_at: datetime


#: One row of :meth:`Repository.question_counts`: (situation or None, lang, count).
QuestionCount = tuple[str | None, str, int]


class Repository(Protocol):
    """Persistent state of the bot: preferences, statistics, feedback and pins.

    Usable as an async context manager, which closes the repository on exit.
    """

    async def get_member_language(self, platform: str, user_id: str) -> str | None:
        """Return the language a member chose, or None if they chose none.

        Args:
            platform: Platform name.
            user_id: The member's platform user id.
        """
        ...

    async def set_member_language(self, platform: str, user_id: str, lang: str | None) -> None:
        """Remember (or, with ``lang=None``, forget) the language a member chose.

        Args:
            platform: Platform name.
            user_id: The member's platform user id.
            lang: Language code, or None to clear the choice.
        """
        ...

    async def get_community(self, platform: str, chat_id: str) -> CommunitySettings | None:
        """Return a community's settings, or None if none were ever set.

        Args:
            platform: Platform name.
            chat_id: The community's chat id.
        """
        ...

    async def set_community_language(self, platform: str, chat_id: str, lang: str | None) -> None:
        """Set a community's default language; None makes it follow each member's choice.

        Args:
            platform: Platform name.
            chat_id: The community's chat id.
            lang: Language code, or None to follow each member.
        """
        ...

    async def record_question(
        self,
        platform: str,
        chat_id: str | None,
        situation: str | None,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        """Count one answered question, for statistics. No member id is stored.

        Args:
            platform: Platform name.
            chat_id: Community chat id, or None for a private conversation (on Telegram a
                private chat id equals the user id, so pass None there).
            situation: Situation the question was routed to, or None.
            lang: Language of the answer.
            at: When it was asked; defaults to now.
        """
        ...

    async def record_unrouted(
        self,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        """Keep the text of a question the bot could not route. No member id is stored.

        Args:
            platform: Platform name.
            chat_id: Community chat id, or None for a private conversation.
            text: The question text; stripped and cut to 500 characters.
            lang: Language the question was asked in.
            at: When it was asked; defaults to now.
        """
        ...

    async def unrouted_report(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[UnroutedCount]:
        """Return the most frequent unrouted questions, most frequent first.

        Texts are grouped after normalisation (lowercase, stripped, whitespace collapsed)
        and by language. Ties are broken by the most recent first.

        Args:
            platform: Only this platform, or None for all.
            chat_id: Only this chat, or None for all.
            since: Only questions asked at or after this time, or None for all.
            limit: Maximum number of rows.
        """
        ...

    async def record_feedback(
        self,
        platform: str,
        user_id: str,
        answer_ref: str,
        situation: str,
        lang: str,
        helpful: bool,
        chat_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record a member's vote on an answer; voting again on the same answer changes it.

        Args:
            platform: Platform name.
            user_id: The voting member's user id (stored only as a salted hash).
            answer_ref: Identifies the answer, e.g. ``"chat:message"``.
            situation: Situation the answer was about.
            lang: Language of the answer.
            helpful: Whether the member found the answer helpful.
            chat_id: Community chat id, or None for a private conversation.
            at: When the vote was cast; defaults to now.
        """
        ...

    async def feedback_summary(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[FeedbackSummary]:
        """Return vote counts per situation and language, ordered by situation then language.

        Args:
            platform: Only this platform, or None for all.
            chat_id: Only this chat, or None for all.
            since: Only votes cast or changed at or after this time, or None for all.
        """
        ...

    async def question_counts(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[QuestionCount]:
        """Return ``(situation, lang, count)`` of answered questions, most frequent first.

        Args:
            platform: Only this platform, or None for all.
            chat_id: Only this chat, or None for all.
            since: Only questions asked at or after this time, or None for all.
        """
        ...

    async def record_pin(
        self,
        platform: str,
        chat_id: str,
        message_id: str,
        situation: str,
        lang: str,
        content_version: str,
        at: datetime | None = None,
    ) -> None:
        """Record (or update) a pinned message.

        Args:
            platform: Platform name.
            chat_id: Chat the message is pinned in.
            message_id: The pinned message's id.
            situation: Situation the message explains.
            lang: Language of the message.
            content_version: Version of the content the message shows.
            at: When it was pinned or re-recorded; defaults to now.
        """
        ...

    async def list_pins(self, platform: str, chat_id: str | None = None) -> list[PinRecord]:
        """Return recorded pins on a platform, optionally only in one chat.

        Args:
            platform: Platform name.
            chat_id: Only this chat, or None for all chats.
        """
        ...

    async def update_pin_version(
        self, platform: str, chat_id: str, message_id: str, content_version: str
    ) -> bool:
        """Note that a pinned message now shows another content version.

        Returns:
            True if the pin was known and updated, False if there is no such pin.
        """
        ...

    async def forget_pin(self, platform: str, chat_id: str, message_id: str) -> bool:
        """Forget a pinned message (e.g. after it was unpinned or deleted).

        Returns:
            True if a pin was forgotten, False if there was no such pin.
        """
        ...

    async def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        ...

    async def __aenter__(self) -> Self:
        """Return the repository itself."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the repository."""
        ...
