"""The storage interface the rest of the bot uses, and the records it returns.

Callers depend only on :class:`Repository`; backends (``SqliteRepository`` today, a
PostgreSQL one later) implement it. Conventions shared by every method:

* ``platform`` is a short name such as ``"telegram"``, ``"discord"`` or ``"console"``.
* Ids (users, chats, messages) are strings, whatever the platform uses natively.
* Times are timezone-aware UTC datetimes. Methods that record something take an optional
  ``at=``; it defaults to now. Naive datetimes are rejected with ``ValueError``.
* Member ids are never stored raw: backends store a salted SHA-256 hash instead
  (see :func:`bot.storage.values.hash_member_id`). Two documented exceptions: a deadline
  reminder keeps its member's raw id, because the bot must send that member a direct message
  (the row is the member's own request, and they can list and cancel it); and the moderator
  action log keeps the acting moderator's raw id, because "who did this" is its purpose.
* Report filters left as ``None`` mean "all" (all platforms, all chats, all time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol, Self


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


@dataclass(frozen=True)
class CommunityNote:
    """A community's own note under one situation's answer.

    Attributes:
        platform: Platform name.
        chat_id: The community's chat id.
        situation: Situation id the note belongs to.
        text: The note text (already validated by the caller).
        updated_at: When the note was last set (UTC).
    """

    platform: str
    chat_id: str
    situation: str
    text: str
    updated_at: datetime


#: Reminder states: waiting, delivered, dropped (its deadline passed unsent), given up after
#: failed deliveries, cancelled by its member.
REMINDER_STATUSES = ("pending", "sent", "dropped", "failed", "cancelled")


@dataclass(frozen=True)
class Reminder:
    """A member's request to be reminded before a deadline, by direct message.

    ``user_id`` is the member's raw platform id: the bot needs it to send the direct message.

    Attributes:
        id: Storage id.
        platform: Platform name.
        user_id: The member's raw platform user id (the direct-message recipient).
        chat_id: Community the request was made in, or None for a private chat.
        situation: Situation the reminder is about (e.g. ``buyer-cancel-request``).
        lang: Language to write the reminder in.
        requested_at: The time the deadline counts from (UTC).
        remind_at: When to send the reminder (UTC).
        deadline_at: The deadline itself (UTC); after it the reminder is useless.
        status: One of :data:`REMINDER_STATUSES`.
        attempts: Failed delivery attempts so far.
        done_at: When the reminder left ``pending`` (UTC), or None.
    """

    id: int
    platform: str
    user_id: str
    chat_id: str | None
    situation: str
    lang: str
    requested_at: datetime
    remind_at: datetime
    deadline_at: datetime
    status: str = "pending"
    attempts: int = 0
    done_at: datetime | None = None


@dataclass(frozen=True)
class ModeratorAction:
    """One entry of a community's moderator action log.

    Attributes:
        id: Storage id (increases with time of recording).
        platform: Platform name.
        chat_id: The community's chat id.
        actor_id: The acting moderator's raw platform user id.
        action: Short action name, e.g. ``note.set`` or ``pins.refresh``.
        detail: Free text describing the action (no member ids other than the actor's).
        at: When it happened (UTC).
    """

    id: int
    platform: str
    chat_id: str
    actor_id: str
    action: str
    detail: str
    at: datetime


#: One row of :meth:`Repository.question_counts`: (situation or None, lang, count).
QuestionCount = tuple[str | None, str, int]
#: ``(day "YYYY-MM-DD" in UTC, situation or None, lang, count)`` of answered questions.
QuestionDay = tuple[str, str | None, str, int]

#: Where a suggested example came from: a member's pick among the "not sure" choices, their
#: pick after voting "not helpful", or a moderator's own labelling on the dashboard.
EXAMPLE_SOURCES = ("unsure-choice", "not-helpful-choice", "moderator")
#: An example's state: waiting for a moderator, confirmed (used for training), rejected.
EXAMPLE_STATUSES = ("suggested", "confirmed", "rejected")


@dataclass(frozen=True)
class LinkRedemption:
    """What redeeming a dashboard sign-in link found.

    Attributes:
        status: ``ok`` (now used: the session may open), ``used`` (redeemed before),
            ``expired`` or ``unknown``.
        platform: The link's community's platform (``ok`` only).
        chat_id: The link's community (``ok`` only).
    """

    status: str
    platform: str | None = None
    chat_id: str | None = None


@dataclass(frozen=True)
class AskedQuestion:
    """A question whose answer offered choices, kept a few days for the member's pick.

    Attributes:
        ref: Its random reference, carried in the choice buttons' tokens.
        platform: Platform name.
        chat_id: The community, or None for a private conversation.
        text: The question as asked (cut to 500 characters).
        lang: The answer's language.
        situation: The guide it got, or None (the "not sure" choices).
        created_at: When it was asked (UTC).
        unhelpful_at: When a member voted its answer "not helpful", if they did.
    """

    ref: str
    platform: str
    chat_id: str | None
    text: str
    lang: str
    situation: str | None
    created_at: datetime
    unhelpful_at: datetime | None = None


@dataclass(frozen=True)
class Example:
    """A labelled question from a community (no member identity).

    Attributes:
        id: Storage id.
        platform: Platform name.
        chat_id: The community, or None for a private conversation.
        text: The question.
        lang: Its language.
        answer: The situation id it needs, or None for off-topic (no guide).
        source: One of :data:`EXAMPLE_SOURCES`.
        status: One of :data:`EXAMPLE_STATUSES`.
        created_at: When it was suggested (UTC).
        decided_at: When a moderator confirmed or rejected it.
    """

    id: int
    platform: str
    chat_id: str | None
    text: str
    lang: str
    answer: str | None
    source: str
    status: str
    created_at: datetime
    decided_at: datetime | None = None


@dataclass(frozen=True)
class RouterModel:
    """A question router model retrained by ``sellerbot train`` (schema 7).

    Attributes:
        id: Storage id.
        trained_at: When it was trained (UTC).
        examples: How many confirmed examples it learnt from.
        items: How many corpus items it learnt from.
        figures: Its cross-validated figures on the real posts, and those of the model it
            replaced (JSON object).
        model: The model as JSON text (:mod:`bot.core.classifier`); empty when not read.
        active: Whether the deployment answers with it.
    """

    id: int
    trained_at: datetime
    examples: int
    items: int
    figures: dict[str, Any]
    model: str
    active: bool


@dataclass(frozen=True)
class UnroutedQuestion:
    """One question the bot could not place, as asked (newest first on the dashboard)."""

    id: int
    text: str
    lang: str
    asked_at: datetime


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

    async def record_questions(
        self, rows: Sequence[tuple[str, str | None, str | None, str, datetime | None]]
    ) -> None:
        """Count many answered questions at once: ``(platform, chat_id, situation, lang, at)``.

        The same as :meth:`record_question` per row, in one round trip (statistics are
        written in batches off the reply path).
        """
        ...

    async def record_unrouted_many(
        self, rows: Sequence[tuple[str, str | None, str, str, datetime | None]]
    ) -> None:
        """:meth:`record_unrouted` for many ``(platform, chat_id, text, lang, at)`` at once."""
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

    async def move_community(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """Move everything kept for a community to its new id (a Telegram group upgraded to a
        supergroup gets a new chat id): settings, notes, pins, statistics, votes, reminders
        and the action log. Where the new id already has a row (settings, a note), it stays.

        Returns:
            How many rows moved (0 when there was nothing, or it was moved before).
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
            answer_ref: Identifies the answer, e.g. ``"chat:message"`` (stored as a salted
                hash: in a private chat the chat id is the member's id).
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

    # -- community notes (schema version 3) ----------------------------------------------------

    async def set_note(
        self,
        platform: str,
        chat_id: str,
        situation: str,
        text: str,
        author_id: str,
        at: datetime | None = None,
    ) -> None:
        """Set (or replace) a community's note under one situation.

        Args:
            platform: Platform name.
            chat_id: The community's chat id.
            situation: Situation id.
            text: The note, already validated (see :mod:`bot.moderation.notes`).
            author_id: The moderator who set it (stored only as a salted hash; the action log
                records who did what).
            at: When it was set; defaults to now.
        """
        ...

    async def get_note(self, platform: str, chat_id: str, situation: str) -> str | None:
        """Return a community's note under a situation, or None if it has none."""
        ...

    async def list_notes(self, platform: str, chat_id: str) -> list[CommunityNote]:
        """Return every note of one community, ordered by situation id."""
        ...

    async def delete_note(self, platform: str, chat_id: str, situation: str) -> bool:
        """Remove a community's note under a situation.

        Returns:
            True if a note was removed, False if there was none.
        """
        ...

    # -- deadline reminders (schema version 3) -------------------------------------------------

    async def add_reminder(
        self,
        platform: str,
        user_id: str,
        chat_id: str | None,
        situation: str,
        lang: str,
        remind_at: datetime,
        deadline_at: datetime,
        requested_at: datetime | None = None,
    ) -> int:
        """Store a pending reminder and return its id.

        ``user_id`` is stored raw (not hashed): the bot must send this member a direct message.

        Args:
            platform: Platform name.
            user_id: The member's raw platform user id.
            chat_id: Community the request came from, or None.
            situation: Situation the reminder is about.
            lang: Language of the reminder.
            remind_at: When to send it.
            deadline_at: The deadline the reminder warns about.
            requested_at: The time the deadline counts from; defaults to now.
        """
        ...

    async def due_reminders(
        self, now: datetime, platform: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """Return pending reminders whose time is at or before ``now``, earliest first.

        Args:
            now: The current time.
            platform: Only this platform, or None for all.
            limit: Maximum number of reminders.
        """
        ...

    async def take_lease(self, name: str, owner: str, now: datetime, duration: timedelta) -> bool:
        """Take the lease ``name`` for ``owner`` until ``now + duration``, if it is free, has
        expired, or is already the owner's (renewed); True when the owner now holds it.

        Background work that one process of a deployment must do at a time (the refresh of
        pinned answers) runs only while its process holds the lease. A process that dies
        holding one frees it when it expires.

        Raises:
            ValueError: For a duration that is not positive.
        """
        ...

    async def release_lease(self, name: str, owner: str) -> bool:
        """Give back a lease ``owner`` holds; False when it held none (expired and taken)."""
        ...

    async def claim_due_reminders(
        self,
        now: datetime,
        platform: str | None,
        owner: str,
        lease: timedelta,
        limit: int = 100,
    ) -> list[Reminder]:
        """Claim pending reminders due at or before ``now`` for one process to send, atomically.

        Several processes on one database may call this at once: each reminder is returned to
        one caller only, until its lease ends. A claim that outlives its lease (the process
        died before marking the reminder sent) is free to be claimed again. The caller sends
        each reminder, then closes it (:meth:`mark_reminder_sent`, :meth:`drop_reminder`).

        Args:
            now: The current time.
            platform: Only this platform, or None for all.
            owner: Names the claiming process (e.g. its role and process id).
            lease: How long the claim holds; longer than sending a batch takes.
            limit: Maximum number of reminders to claim.

        Returns:
            The reminders claimed, earliest first (none claimed by another live lease).
        """
        ...

    async def renew_reminder_claim(
        self, reminder_id: int, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Extend ``owner``'s claim on a pending reminder to ``now + lease``, just before sending.

        A batch can take longer to send than its lease (a slow platform, a flood limit): the
        claim is renewed for each reminder, so no other process claims it while it is sent.

        Returns:
            False when the reminder is no longer pending or another process has claimed it
            (the caller must not send it).
        """
        ...

    async def mark_reminder_sent(self, reminder_id: int, at: datetime | None = None) -> bool:
        """Mark a pending reminder as sent.

        Returns:
            True if it was pending and is now sent; False otherwise (already done).
        """
        ...

    async def drop_reminder(
        self, reminder_id: int, at: datetime | None = None, status: str = "dropped"
    ) -> bool:
        """Close a pending reminder without sending it.

        Args:
            reminder_id: The reminder.
            at: When; defaults to now.
            status: ``dropped`` (deadline passed) or ``failed`` (delivery kept failing).

        Returns:
            True if it was pending and is now closed.
        """
        ...

    async def count_reminder_attempt(self, reminder_id: int) -> int:
        """Count one failed delivery attempt of a pending reminder and return the new total;
        its claim (:meth:`claim_due_reminders`) is given back, so the next run tries again."""
        ...

    async def cancel_reminder(self, platform: str, user_id: str, reminder_id: int) -> bool:
        """Cancel a pending reminder, only on behalf of the member it belongs to.

        Returns:
            True if the member's pending reminder was cancelled; False if there is no such
            pending reminder of theirs (someone else's id is indistinguishable from none).
        """
        ...

    async def get_reminder(self, reminder_id: int) -> Reminder | None:
        """Return a reminder by id, whatever its status, or None."""
        ...

    async def list_reminders(self, platform: str, user_id: str) -> list[Reminder]:
        """Return a member's pending reminders, earliest first."""
        ...

    # -- moderator action log (schema version 3) -----------------------------------------------

    async def log_action(
        self,
        platform: str,
        chat_id: str,
        actor_id: str,
        action: str,
        detail: str = "",
        at: datetime | None = None,
    ) -> None:
        """Record a moderator action (who, what, when) in a community's log.

        Args:
            platform: Platform name.
            chat_id: The community's chat id.
            actor_id: The moderator's raw platform user id.
            action: Short action name, e.g. ``note.set``.
            detail: What exactly, as free text.
            at: When; defaults to now.
        """
        ...

    async def list_actions(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[ModeratorAction]:
        """Return a community's most recent moderator actions, newest first."""
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

    # -- the dashboard and suggested examples (schema version 6) -------------------------------

    async def question_days(
        self, platform: str, chat_id: str, since: datetime
    ) -> list[QuestionDay]:
        """Answered questions of one community per UTC day, situation and language, oldest
        day first (the dashboard's charts)."""
        ...

    async def recent_unrouted(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[UnroutedQuestion]:
        """A community's questions the bot could not place, newest first, leaving out those
        a moderator has already labelled (an example with the same text in the community)."""
        ...

    async def add_dashboard_link(
        self,
        platform: str,
        chat_id: str,
        token_hash: str,
        expires_at: datetime,
        at: datetime | None = None,
    ) -> None:
        """Keep a new sign-in link for one community: the hash of its token, never the token."""
        ...

    async def redeem_dashboard_link(self, token_hash: str, now: datetime) -> LinkRedemption:
        """Mark a sign-in link used, atomically (a link opens one session, once, even when
        two processes receive it at the same time); what was found otherwise."""
        ...

    async def keep_asked(
        self,
        ref: str,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        situation: str | None,
        at: datetime | None = None,
    ) -> None:
        """Keep a question whose answer offers choices, under its random ``ref``."""
        ...

    async def keep_asked_many(
        self, rows: Sequence[tuple[str, str, str | None, str, str, str | None, datetime | None]]
    ) -> None:
        """Keep many questions at once: ``(ref, platform, chat_id, text, lang, situation,
        at)``, as :meth:`keep_asked` per row, in one round trip (the adapters keep them in
        batches off the reply path)."""
        ...

    async def get_asked(self, ref: str) -> AskedQuestion | None:
        """The kept question ``ref``, or None (never kept, or forgotten)."""
        ...

    async def mark_asked_unhelpful(self, ref: str, at: datetime | None = None) -> bool:
        """Note that a member voted the answer to question ``ref`` "not helpful"."""
        ...

    async def unhelpful_questions(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[AskedQuestion]:
        """A community's questions whose answer was voted "not helpful", newest vote first,
        leaving out those a moderator has already labelled."""
        ...

    async def mark_asked_answered(self, platform: str, chat_id: str, ref: str) -> bool:
        """Take question ``ref`` of this community off the "not helpful" list; False when it
        is not this community's or was taken off already (of two callers at once, one wins)."""
        ...

    async def forget_asked(self, before: datetime) -> int:
        """Forget kept questions asked before ``before``; how many."""
        ...

    async def add_example(
        self,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        answer: str | None,
        source: str,
        status: str = "suggested",
        at: datetime | None = None,
    ) -> int:
        """Store a labelled question and return its id (a confirmed one is decided now).

        Raises:
            ValueError: For a source or status not in :data:`EXAMPLE_SOURCES` /
                :data:`EXAMPLE_STATUSES`.
        """
        ...

    async def list_examples(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Example]:
        """Examples, newest first; filters left None mean all."""
        ...

    async def decide_example(
        self,
        platform: str,
        chat_id: str,
        example_id: int,
        status: str,
        answer: str | None = None,
        *,
        relabel: bool = False,
        at: datetime | None = None,
    ) -> bool:
        """Confirm or reject one of a community's examples (with ``relabel``, its answer
        becomes ``answer``: a correction); False when the community has no such example."""
        ...

    # -- the deployment's retrained question router (schema version 7) -------------------------

    async def add_router_model(
        self,
        model: str,
        figures: dict[str, Any],
        examples: int,
        items: int,
        at: datetime | None = None,
    ) -> int:
        """Store a retrained router model (``model``: its JSON) and make it the one active
        model of the deployment, in one statement each (the others stop being active)."""
        ...

    async def active_router_model(self, *, with_model: bool = True) -> RouterModel | None:
        """The deployment's active router model, or None (the shipped one is used); without
        ``with_model``, its description only (``model`` is empty)."""
        ...

    async def deactivate_router_models(self) -> int:
        """Go back to the shipped model: no stored model is active any more; how many were."""
        ...
