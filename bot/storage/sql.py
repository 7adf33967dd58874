"""The repository, written once for every engine with SQLAlchemy Core.

:class:`SqlRepository` holds every query as a Core expression over :mod:`bot.storage.tables`;
an engine's subclass (:class:`~bot.storage.sqlite.SqliteRepository`,
:class:`~bot.storage.postgres.PostgresRepository`) supplies how a statement is run
(:meth:`SqlRepository._execute`) and how a database is opened. Every write is a single
statement in autocommit mode (upserts, no read-modify-write), so concurrent tasks and several
processes cannot lose rows.
"""

from __future__ import annotations

import json
import logging
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    ColumnElement,
    Executable,
    Table,
    and_,
    case,
    delete,
    desc,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.storage.errors import StorageError
from bot.storage.repository import (
    EXAMPLE_SOURCES,
    EXAMPLE_STATUSES,
    AskedQuestion,
    CommunityNote,
    CommunitySettings,
    Example,
    FeedbackSummary,
    LinkRedemption,
    ModeratorAction,
    PinRecord,
    QuestionCount,
    QuestionDay,
    Reminder,
    Repository,
    RouterModel,
    UnroutedCount,
    UnroutedQuestion,
)
from bot.storage.tables import (
    COMMUNITY_TABLES,
    asked,
    community_notes,
    community_settings,
    dashboard_links,
    examples,
    feedback,
    leases,
    member_prefs,
    moderator_actions,
    pins,
    questions,
    reminders,
    router_models,
    unrouted,
)
from bot.storage.values import (
    clip_unrouted,
    from_db_time,
    hash_member_id,
    normalise_text,
    to_db_time,
    utc_or_now,
)

logger = logging.getLogger(__name__)

#: The statistics inserts, built once: each batch is one executemany of the same statement,
#: which SQLAlchemy compiles once and then finds in its compiled cache.
_INSERT_QUESTIONS = insert(questions)
_INSERT_UNROUTED = insert(unrouted)


@dataclass(frozen=True)
class Outcome:
    """What one statement did: the rows it returned, rows it changed, the new row's id."""

    rows: list[Any]
    rowcount: int = 0
    new_id: int | None = None


def _filters(
    table: Table, platform: str | None, chat_id: str | None, since: datetime | None, time: str
) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if platform is not None:
        clauses.append(table.c.platform == platform)
    if chat_id is not None:
        clauses.append(table.c.chat_id == chat_id)
    if since is not None:
        clauses.append(table.c[time] >= to_db_time(since))
    return clauses


class SqlRepository(Repository):
    """:class:`Repository` over SQLAlchemy Core; see the module docstring."""

    #: "sqlite" or "postgresql": picks the dialect's upsert.
    dialect = "sqlite"

    def __init__(self, salt: str, where: str) -> None:
        self._salt = salt
        self._where = where
        self._closed = False

    # -- what an engine supplies ---------------------------------------------------------------

    @abstractmethod
    async def _execute(
        self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None
    ) -> Outcome:
        """Run one statement in autocommit mode (raises :class:`StorageError` on failure)."""

    @abstractmethod
    async def _dispose(self) -> None:
        """Close the engine's connections."""

    # -- helpers -------------------------------------------------------------------------------

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which knows ``ON CONFLICT`` (the upserts)."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    def _member(self, platform: str, user_id: str) -> str:
        return hash_member_id(self._salt, platform, user_id)

    def _answer(self, platform: str, answer_ref: str) -> str:
        # A private chat's answer is "<chat>:<message>", and the chat id is the member's id:
        # stored hashed like member ids (only its equality is ever needed).
        return hash_member_id(self._salt, platform, f"answer:{answer_ref}")

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"storage {self._where} is closed")

    async def _write(self, stmt: Executable) -> int:
        return (await self._execute(stmt)).rowcount

    async def _rows(self, stmt: Executable) -> list[Any]:
        return (await self._execute(stmt)).rows

    # -- member and community languages ------------------------------------------------------

    async def get_member_language(self, platform: str, user_id: str) -> str | None:
        """See :meth:`Repository.get_member_language`."""
        rows = await self._rows(
            select(member_prefs.c.lang).where(
                member_prefs.c.platform == platform,
                member_prefs.c.user_hash == self._member(platform, user_id),
            )
        )
        return str(rows[0][0]) if rows else None

    async def set_member_language(self, platform: str, user_id: str, lang: str | None) -> None:
        """See :meth:`Repository.set_member_language`. Clearing removes the member's row."""
        user_hash = self._member(platform, user_id)
        if lang is None:
            await self._write(
                delete(member_prefs).where(
                    member_prefs.c.platform == platform, member_prefs.c.user_hash == user_hash
                )
            )
            return
        stmt = self._insert(member_prefs).values(
            platform=platform,
            user_hash=user_hash,
            lang=lang,
            updated_at=to_db_time(utc_or_now(None)),
        )
        await self._write(
            stmt.on_conflict_do_update(
                index_elements=["platform", "user_hash"],
                set_={"lang": stmt.excluded.lang, "updated_at": stmt.excluded.updated_at},
            )
        )

    async def get_community(self, platform: str, chat_id: str) -> CommunitySettings | None:
        """See :meth:`Repository.get_community`."""
        t = community_settings
        rows = await self._rows(
            select(t.c.default_lang, t.c.updated_at).where(
                t.c.platform == platform, t.c.chat_id == chat_id
            )
        )
        if not rows:
            return None
        default_lang, updated_at = rows[0]
        return CommunitySettings(platform, chat_id, default_lang, from_db_time(updated_at))

    async def set_community_language(self, platform: str, chat_id: str, lang: str | None) -> None:
        """See :meth:`Repository.set_community_language`."""
        stmt = self._insert(community_settings).values(
            platform=platform,
            chat_id=chat_id,
            default_lang=lang,
            updated_at=to_db_time(utc_or_now(None)),
        )
        await self._write(
            stmt.on_conflict_do_update(
                index_elements=["platform", "chat_id"],
                set_={
                    "default_lang": stmt.excluded.default_lang,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )

    # -- questions -----------------------------------------------------------------------------

    async def record_question(
        self,
        platform: str,
        chat_id: str | None,
        situation: str | None,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.record_question`."""
        await self.record_questions([(platform, chat_id, situation, lang, at)])

    async def record_questions(
        self, rows: Sequence[tuple[str, str | None, str | None, str, datetime | None]]
    ) -> None:
        """See :meth:`Repository.record_questions`."""
        if not rows:
            return
        await self._execute(
            _INSERT_QUESTIONS,
            [
                {
                    "platform": p,
                    "chat_id": c,
                    "situation": s,
                    "lang": lang,
                    "asked_at": to_db_time(utc_or_now(at)),
                }
                for p, c, s, lang, at in rows
            ],
        )

    async def question_counts(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[QuestionCount]:
        """See :meth:`Repository.question_counts`."""
        t = questions
        n = func.count().label("n")
        rows = await self._rows(
            select(t.c.situation, t.c.lang, n)
            .where(*_filters(t, platform, chat_id, since, "asked_at"))
            .group_by(t.c.situation, t.c.lang)
            .order_by(desc(n), t.c.situation.is_(None), t.c.situation, t.c.lang)
        )
        return [(situation, lang, int(count)) for situation, lang, count in rows]

    async def record_unrouted(
        self,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.record_unrouted`."""
        await self.record_unrouted_many([(platform, chat_id, text, lang, at)])

    async def record_unrouted_many(
        self, rows: Sequence[tuple[str, str | None, str, str, datetime | None]]
    ) -> None:
        """See :meth:`Repository.record_unrouted_many`."""
        if not rows:
            return
        values = []
        for platform, chat_id, text, lang, at in rows:
            clipped = clip_unrouted(text)
            values.append(
                {
                    "platform": platform,
                    "chat_id": chat_id,
                    "text": clipped,
                    "normalised": normalise_text(clipped),
                    "lang": lang,
                    "asked_at": to_db_time(utc_or_now(at)),
                }
            )
        await self._execute(_INSERT_UNROUTED, values)

    async def unrouted_report(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[UnroutedCount]:
        """See :meth:`Repository.unrouted_report`."""
        if limit <= 0:
            return []
        t = unrouted
        n = func.count().label("n")
        last_seen = func.max(t.c.asked_at).label("last_seen")
        rows = await self._rows(
            select(t.c.normalised, t.c.lang, n, last_seen)
            .where(*_filters(t, platform, chat_id, since, "asked_at"))
            .group_by(t.c.normalised, t.c.lang)
            .order_by(desc(n), desc(last_seen), t.c.normalised, t.c.lang)
            .limit(limit)
        )
        return [
            UnroutedCount(text, lang, int(count), from_db_time(seen))
            for text, lang, count, seen in rows
        ]

    # -- communities ---------------------------------------------------------------------------

    async def move_community(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """See :meth:`Repository.move_community`. Each statement is atomic and the whole is
        idempotent (Telegram announces a migration in both chats): a repeat finishes it."""
        moved = 0
        for table, key in COMMUNITY_TABLES:
            where = [table.c.platform == platform, table.c.chat_id == old_chat_id]
            if key is not None:
                # Rows the new chat already has win over the old chat's.
                other = table.alias("other")
                where.append(
                    ~exists().where(
                        other.c.platform == platform,
                        other.c.chat_id == new_chat_id,
                        *(other.c[k] == table.c[k] for k in key),
                    )
                )
            moved += await self._write(update(table).where(*where).values(chat_id=new_chat_id))
            await self._write(
                delete(table).where(table.c.platform == platform, table.c.chat_id == old_chat_id)
            )
        if moved:
            logger.info("moved a community", extra={"platform": platform, "rows": moved})
        return moved

    # -- feedback ------------------------------------------------------------------------------

    async def _hash_answer_refs(self) -> None:
        """Hash the answer refs of votes stored before they were hashed (a later vote by the
        same member on the same answer wins)."""
        rows = await self._rows(
            select(feedback.c.id, feedback.c.platform, feedback.c.answer_ref).where(
                func.length(feedback.c.answer_ref) != 64
            )
        )
        for rowid, platform, ref in rows:
            try:
                await self._write(
                    update(feedback)
                    .where(feedback.c.id == rowid)
                    .values(answer_ref=self._answer(platform, ref))
                )
            except StorageError as exc:
                if not isinstance(exc.__cause__, IntegrityError):
                    raise
                await self._write(delete(feedback).where(feedback.c.id == rowid))
        if rows:
            logger.info("hashed the answer refs of %d earlier votes", len(rows))

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
        """See :meth:`Repository.record_feedback`."""
        when = to_db_time(utc_or_now(at))
        stmt = self._insert(feedback).values(
            platform=platform,
            user_hash=self._member(platform, user_id),
            answer_ref=self._answer(platform, answer_ref),
            situation=situation,
            lang=lang,
            helpful=1 if helpful else 0,
            chat_id=chat_id,
            created_at=when,
            updated_at=when,
        )
        await self._write(
            stmt.on_conflict_do_update(
                index_elements=["platform", "user_hash", "answer_ref"],
                set_={
                    "situation": stmt.excluded.situation,
                    "lang": stmt.excluded.lang,
                    "helpful": stmt.excluded.helpful,
                    "chat_id": func.coalesce(stmt.excluded.chat_id, feedback.c.chat_id),
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )

    async def feedback_summary(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[FeedbackSummary]:
        """See :meth:`Repository.feedback_summary`."""
        t = feedback
        rows = await self._rows(
            select(t.c.situation, t.c.lang, func.sum(t.c.helpful), func.sum(1 - t.c.helpful))
            .where(*_filters(t, platform, chat_id, since, "updated_at"))
            .group_by(t.c.situation, t.c.lang)
            .order_by(t.c.situation, t.c.lang)
        )
        return [FeedbackSummary(s, lang, int(yes), int(no)) for s, lang, yes, no in rows]

    # -- pins ----------------------------------------------------------------------------------

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
        """See :meth:`Repository.record_pin`. Re-recording keeps the original ``pinned_at``."""
        when = to_db_time(utc_or_now(at))
        stmt = self._insert(pins).values(
            platform=platform,
            chat_id=chat_id,
            message_id=message_id,
            situation=situation,
            lang=lang,
            content_version=content_version,
            pinned_at=when,
            updated_at=when,
        )
        await self._write(
            stmt.on_conflict_do_update(
                index_elements=["platform", "chat_id", "message_id"],
                set_={
                    "situation": stmt.excluded.situation,
                    "lang": stmt.excluded.lang,
                    "content_version": stmt.excluded.content_version,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )

    async def list_pins(self, platform: str, chat_id: str | None = None) -> list[PinRecord]:
        """See :meth:`Repository.list_pins`. Ordered by chat, then pin time."""
        t = pins
        rows = await self._rows(
            select(
                t.c.platform,
                t.c.chat_id,
                t.c.message_id,
                t.c.situation,
                t.c.lang,
                t.c.content_version,
                t.c.pinned_at,
                t.c.updated_at,
            )
            .where(*_filters(t, platform, chat_id, None, "pinned_at"))
            .order_by(t.c.chat_id, t.c.pinned_at, t.c.message_id)
        )
        return [
            PinRecord(p, c, m, s, lang, v, from_db_time(pinned), from_db_time(updated))
            for p, c, m, s, lang, v, pinned, updated in rows
        ]

    async def update_pin_version(
        self, platform: str, chat_id: str, message_id: str, content_version: str
    ) -> bool:
        """See :meth:`Repository.update_pin_version`."""
        changed = await self._write(
            update(pins)
            .where(
                pins.c.platform == platform,
                pins.c.chat_id == chat_id,
                pins.c.message_id == message_id,
            )
            .values(content_version=content_version, updated_at=to_db_time(utc_or_now(None)))
        )
        return changed > 0

    async def forget_pin(self, platform: str, chat_id: str, message_id: str) -> bool:
        """See :meth:`Repository.forget_pin`."""
        removed = await self._write(
            delete(pins).where(
                pins.c.platform == platform,
                pins.c.chat_id == chat_id,
                pins.c.message_id == message_id,
            )
        )
        return removed > 0

    # -- community notes -----------------------------------------------------------------------

    def _note(self, platform: str, chat_id: str, situation: str) -> ColumnElement[bool]:
        t = community_notes
        return and_(t.c.platform == platform, t.c.chat_id == chat_id, t.c.situation == situation)

    async def set_note(
        self,
        platform: str,
        chat_id: str,
        situation: str,
        text: str,
        author_id: str,
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.set_note`. Replacing a note keeps its ``created_at``."""
        when = to_db_time(utc_or_now(at))
        stmt = self._insert(community_notes).values(
            platform=platform,
            chat_id=chat_id,
            situation=situation,
            text=text,
            author_hash=self._member(platform, author_id),
            created_at=when,
            updated_at=when,
        )
        await self._write(
            stmt.on_conflict_do_update(
                index_elements=["platform", "chat_id", "situation"],
                set_={
                    "text": stmt.excluded.text,
                    "author_hash": stmt.excluded.author_hash,
                    "updated_at": stmt.excluded.updated_at,
                },
            )
        )

    async def get_note(self, platform: str, chat_id: str, situation: str) -> str | None:
        """See :meth:`Repository.get_note`."""
        rows = await self._rows(
            select(community_notes.c.text).where(self._note(platform, chat_id, situation))
        )
        return str(rows[0][0]) if rows else None

    async def list_notes(self, platform: str, chat_id: str) -> list[CommunityNote]:
        """See :meth:`Repository.list_notes`."""
        t = community_notes
        rows = await self._rows(
            select(t.c.situation, t.c.text, t.c.updated_at)
            .where(t.c.platform == platform, t.c.chat_id == chat_id)
            .order_by(t.c.situation)
        )
        return [
            CommunityNote(platform, chat_id, sid, text, from_db_time(updated))
            for sid, text, updated in rows
        ]

    async def delete_note(self, platform: str, chat_id: str, situation: str) -> bool:
        """See :meth:`Repository.delete_note`."""
        removed = await self._write(
            delete(community_notes).where(self._note(platform, chat_id, situation))
        )
        return removed > 0

    # -- deadline reminders --------------------------------------------------------------------

    _REMINDER_COLUMNS = (
        reminders.c.id,
        reminders.c.platform,
        reminders.c.user_id,
        reminders.c.chat_id,
        reminders.c.situation,
        reminders.c.lang,
        reminders.c.requested_at,
        reminders.c.remind_at,
        reminders.c.deadline_at,
        reminders.c.status,
        reminders.c.attempts,
        reminders.c.done_at,
    )

    @staticmethod
    def _reminder(row: Any) -> Reminder:
        (rid, platform, user_id, chat_id, sid, lang, requested, remind, deadline, status,
         attempts, done) = row  # fmt: skip
        return Reminder(
            id=int(rid),
            platform=platform,
            user_id=user_id,
            chat_id=chat_id,
            situation=sid,
            lang=lang,
            requested_at=from_db_time(requested),
            remind_at=from_db_time(remind),
            deadline_at=from_db_time(deadline),
            status=status,
            attempts=int(attempts),
            done_at=from_db_time(done) if done is not None else None,
        )

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
        """See :meth:`Repository.add_reminder`. ``user_id`` is stored raw, by design."""
        outcome = await self._execute(
            insert(reminders).values(
                platform=platform,
                user_id=user_id,
                chat_id=chat_id,
                situation=situation,
                lang=lang,
                requested_at=to_db_time(utc_or_now(requested_at)),
                remind_at=to_db_time(remind_at),
                deadline_at=to_db_time(deadline_at),
            )
        )
        if outcome.new_id is None:  # pragma: no cover - both engines report the new id
            raise StorageError("the database did not report the new reminder's id")
        return outcome.new_id

    async def due_reminders(
        self, now: datetime, platform: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """See :meth:`Repository.due_reminders`."""
        if limit <= 0:
            return []
        t = reminders
        clauses = [t.c.status == "pending", t.c.remind_at <= to_db_time(now)]
        if platform is not None:
            clauses.append(t.c.platform == platform)
        rows = await self._rows(
            select(*self._REMINDER_COLUMNS)
            .where(*clauses)
            .order_by(t.c.remind_at, t.c.id)
            .limit(limit)
        )
        return [self._reminder(r) for r in rows]

    async def take_lease(self, name: str, owner: str, now: datetime, duration: timedelta) -> bool:
        """See :meth:`Repository.take_lease`: one upsert that only takes a free or expired
        lease (or renews the owner's own), so two processes never both hold it."""
        if duration <= timedelta(0):
            raise ValueError("a lease must last a positive time")
        moment = to_db_time(now)
        stmt = (
            self._insert(leases)
            .values(name=name, owner=owner, until=to_db_time(now + duration))
            .on_conflict_do_update(
                index_elements=[leases.c.name],
                set_={"owner": owner, "until": to_db_time(now + duration)},
                where=or_(leases.c.until < moment, leases.c.owner == owner),
            )
            .returning(leases.c.name)
        )
        return bool(await self._rows(stmt))

    async def release_lease(self, name: str, owner: str) -> bool:
        """See :meth:`Repository.release_lease`."""
        stmt = delete(leases).where(leases.c.name == name, leases.c.owner == owner)
        return bool(await self._write(stmt))

    async def claim_due_reminders(
        self,
        now: datetime,
        platform: str | None,
        owner: str,
        lease: timedelta,
        limit: int = 100,
    ) -> list[Reminder]:
        """See :meth:`Repository.claim_due_reminders`.

        One ``WITH picked AS (SELECT ...) UPDATE ... WHERE id IN picked RETURNING`` statement:
        on PostgreSQL the inner select locks the rows it picks ``FOR UPDATE SKIP LOCKED``
        (concurrent claimers take other rows, and a row claimed meanwhile fails the re-checked
        condition); on SQLite the statement holds the file's write lock from its start, so
        claims are one after the other.
        """
        if limit <= 0:
            return []
        if lease <= timedelta(0):
            raise ValueError("a claim's lease must be positive")
        t = reminders
        moment = to_db_time(now)
        claimable = [
            t.c.status == "pending",
            t.c.remind_at <= moment,
            or_(t.c.claimed_until.is_(None), t.c.claimed_until < moment),
        ]
        if platform is not None:
            claimable.append(t.c.platform == platform)
        pick = select(t.c.id).where(*claimable).order_by(t.c.remind_at, t.c.id).limit(limit)
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        # Materialised: evaluated once. A subquery PostgreSQL ran again per row would skip the
        # rows its own first run locked and claim past the limit.
        picked = pick.cte("picked").prefix_with("MATERIALIZED", dialect="postgresql")
        rows = await self._rows(
            update(t)
            .where(t.c.id.in_(select(picked.c.id)), *claimable)
            .values(claimed_by=owner, claimed_until=to_db_time(now + lease))
            .returning(*self._REMINDER_COLUMNS)
        )
        claimed = [self._reminder(r) for r in rows]
        return sorted(claimed, key=lambda r: (r.remind_at, r.id))

    async def renew_reminder_claim(
        self, reminder_id: int, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """See :meth:`Repository.renew_reminder_claim`.

        One conditional ``UPDATE``: on PostgreSQL a concurrent claim of the same row waits for
        it and then re-checks its own condition, so only one of the two holds the row.
        """
        t = reminders
        changed = await self._write(
            update(t)
            .where(t.c.id == reminder_id, t.c.status == "pending", t.c.claimed_by == owner)
            .values(claimed_until=to_db_time(now + lease))
        )
        return changed > 0

    async def _close_reminder(self, reminder_id: int, status: str, at: datetime | None) -> bool:
        changed = await self._write(
            update(reminders)
            .where(reminders.c.id == reminder_id, reminders.c.status == "pending")
            .values(status=status, done_at=to_db_time(utc_or_now(at)))
        )
        return changed > 0

    async def mark_reminder_sent(self, reminder_id: int, at: datetime | None = None) -> bool:
        """See :meth:`Repository.mark_reminder_sent`."""
        return await self._close_reminder(reminder_id, "sent", at)

    async def drop_reminder(
        self, reminder_id: int, at: datetime | None = None, status: str = "dropped"
    ) -> bool:
        """See :meth:`Repository.drop_reminder`."""
        if status not in ("dropped", "failed"):
            raise ValueError(f"a reminder is dropped or failed, not {status!r}")
        return await self._close_reminder(reminder_id, status, at)

    async def count_reminder_attempt(self, reminder_id: int) -> int:
        """See :meth:`Repository.count_reminder_attempt`."""
        await self._write(
            update(reminders)
            .where(reminders.c.id == reminder_id, reminders.c.status == "pending")
            # the claim is given back: the next run (of any process) tries again
            .values(attempts=reminders.c.attempts + 1, claimed_by=None, claimed_until=None)
        )
        rows = await self._rows(select(reminders.c.attempts).where(reminders.c.id == reminder_id))
        return int(rows[0][0]) if rows else 0

    async def cancel_reminder(self, platform: str, user_id: str, reminder_id: int) -> bool:
        """See :meth:`Repository.cancel_reminder`."""
        t = reminders
        changed = await self._write(
            update(t)
            .where(
                t.c.id == reminder_id,
                t.c.platform == platform,
                t.c.user_id == user_id,
                t.c.status == "pending",
            )
            .values(status="cancelled", done_at=to_db_time(utc_or_now(None)))
        )
        return changed > 0

    async def get_reminder(self, reminder_id: int) -> Reminder | None:
        """See :meth:`Repository.get_reminder`."""
        rows = await self._rows(
            select(*self._REMINDER_COLUMNS).where(reminders.c.id == reminder_id)
        )
        return self._reminder(rows[0]) if rows else None

    async def list_reminders(self, platform: str, user_id: str) -> list[Reminder]:
        """See :meth:`Repository.list_reminders`."""
        t = reminders
        rows = await self._rows(
            select(*self._REMINDER_COLUMNS)
            .where(t.c.platform == platform, t.c.user_id == user_id, t.c.status == "pending")
            .order_by(t.c.remind_at, t.c.id)
        )
        return [self._reminder(r) for r in rows]

    # -- moderator action log ------------------------------------------------------------------

    async def log_action(
        self,
        platform: str,
        chat_id: str,
        actor_id: str,
        action: str,
        detail: str = "",
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.log_action`."""
        await self._write(
            insert(moderator_actions).values(
                platform=platform,
                chat_id=chat_id,
                actor_id=actor_id,
                action=action,
                detail=detail,
                at=to_db_time(utc_or_now(at)),
            )
        )

    async def list_actions(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[ModeratorAction]:
        """See :meth:`Repository.list_actions`."""
        if limit <= 0:
            return []
        t = moderator_actions
        rows = await self._rows(
            select(t.c.id, t.c.actor_id, t.c.action, t.c.detail, t.c.at)
            .where(t.c.platform == platform, t.c.chat_id == chat_id)
            .order_by(desc(t.c.at), desc(t.c.id))
            .limit(limit)
        )
        return [
            ModeratorAction(int(i), platform, chat_id, actor, action, detail, from_db_time(at))
            for i, actor, action, detail, at in rows
        ]

    # -- lifetime ------------------------------------------------------------------------------

    async def close(self) -> None:
        """See :meth:`Repository.close`."""
        if self._closed:
            return
        self._closed = True
        await self._dispose()
        logger.debug("Closed storage %s", self._where)

    async def __aenter__(self) -> Self:
        """Return the repository itself."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the repository."""
        await self.close()

    # -- the dashboard and suggested examples --------------------------------------------------

    async def question_days(
        self, platform: str, chat_id: str, since: datetime
    ) -> list[QuestionDay]:
        """See :meth:`Repository.question_days`."""
        t = questions
        day = func.substr(t.c.asked_at, 1, 10).label("day")
        rows = await self._rows(
            select(day, t.c.situation, t.c.lang, func.count())
            .where(*_filters(t, platform, chat_id, since, "asked_at"))
            .group_by(day, t.c.situation, t.c.lang)
            .order_by(day, t.c.situation, t.c.lang)
        )
        return [(str(d), s, lang, int(n)) for d, s, lang, n in rows]

    async def recent_unrouted(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[UnroutedQuestion]:
        """See :meth:`Repository.recent_unrouted`."""
        t, e = unrouted, examples
        labelled = exists().where(
            e.c.platform == t.c.platform, e.c.chat_id == t.c.chat_id, e.c.text == t.c.text
        )
        rows = await self._rows(
            select(t.c.id, t.c.text, t.c.lang, t.c.asked_at)
            .where(t.c.platform == platform, t.c.chat_id == chat_id, ~labelled)
            .order_by(desc(t.c.asked_at), desc(t.c.id))
            .limit(max(limit, 0))
        )
        return [
            UnroutedQuestion(int(i), text, lang, from_db_time(at)) for i, text, lang, at in rows
        ]

    async def add_dashboard_link(
        self,
        platform: str,
        chat_id: str,
        token_hash: str,
        expires_at: datetime,
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.add_dashboard_link`."""
        await self._write(
            insert(dashboard_links).values(
                token_hash=token_hash,
                platform=platform,
                chat_id=chat_id,
                created_at=to_db_time(utc_or_now(at)),
                expires_at=to_db_time(expires_at),
            )
        )

    async def redeem_dashboard_link(self, token_hash: str, now: datetime) -> LinkRedemption:
        """See :meth:`Repository.redeem_dashboard_link`: one conditional ``UPDATE ...
        RETURNING``, so of two redemptions at once only one finds the link unused."""
        t = dashboard_links
        moment = to_db_time(now)
        rows = await self._rows(
            update(t)
            .where(t.c.token_hash == token_hash, t.c.used_at.is_(None), t.c.expires_at > moment)
            .values(used_at=moment)
            .returning(t.c.platform, t.c.chat_id)
        )
        if rows:
            return LinkRedemption("ok", rows[0][0], rows[0][1])
        found = await self._rows(select(t.c.used_at).where(t.c.token_hash == token_hash))
        if not found:
            return LinkRedemption("unknown")
        return LinkRedemption("used" if found[0][0] is not None else "expired")

    _ASKED_COLUMNS = (
        asked.c.ref,
        asked.c.platform,
        asked.c.chat_id,
        asked.c.text,
        asked.c.lang,
        asked.c.situation,
        asked.c.created_at,
        asked.c.unhelpful_at,
    )

    @staticmethod
    def _asked(row: Any) -> AskedQuestion:
        ref, platform, chat_id, text, lang, sid, created, unhelpful = row
        return AskedQuestion(
            ref, platform, chat_id, text, lang, sid, from_db_time(created),
            from_db_time(unhelpful) if unhelpful is not None else None,
        )  # fmt: skip

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
        """See :meth:`Repository.keep_asked`."""
        stmt = self._insert(asked).values(
            ref=ref,
            platform=platform,
            chat_id=chat_id,
            text=clip_unrouted(text),
            lang=lang,
            situation=situation,
            created_at=to_db_time(utc_or_now(at)),
        )
        await self._write(stmt.on_conflict_do_nothing(index_elements=["ref"]))

    async def keep_asked_many(
        self, rows: Sequence[tuple[str, str, str | None, str, str, str | None, datetime | None]]
    ) -> None:
        """See :meth:`Repository.keep_asked_many`."""
        if not rows:
            return
        await self._execute(
            self._insert(asked).on_conflict_do_nothing(index_elements=["ref"]),
            [
                {
                    "ref": ref,
                    "platform": platform,
                    "chat_id": chat_id,
                    "text": clip_unrouted(text),
                    "lang": lang,
                    "situation": situation,
                    "created_at": to_db_time(utc_or_now(at)),
                }
                for ref, platform, chat_id, text, lang, situation, at in rows
            ],
        )

    async def get_asked(self, ref: str) -> AskedQuestion | None:
        """See :meth:`Repository.get_asked`."""
        rows = await self._rows(select(*self._ASKED_COLUMNS).where(asked.c.ref == ref))
        return self._asked(rows[0]) if rows else None

    async def mark_asked_unhelpful(self, ref: str, at: datetime | None = None) -> bool:
        """See :meth:`Repository.mark_asked_unhelpful`."""
        changed = await self._write(
            update(asked).where(asked.c.ref == ref).values(unhelpful_at=to_db_time(utc_or_now(at)))
        )
        return changed > 0

    async def unhelpful_questions(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[AskedQuestion]:
        """See :meth:`Repository.unhelpful_questions`."""
        t = asked
        rows = await self._rows(
            select(*self._ASKED_COLUMNS)
            .where(
                t.c.platform == platform,
                t.c.chat_id == chat_id,
                t.c.unhelpful_at.is_not(None),
                t.c.answered == 0,
            )
            .order_by(desc(t.c.unhelpful_at), t.c.ref)
            .limit(max(limit, 0))
        )
        return [self._asked(r) for r in rows]

    async def mark_asked_answered(self, platform: str, chat_id: str, ref: str) -> bool:
        """See :meth:`Repository.mark_asked_answered`."""
        t = asked
        changed = await self._write(
            update(t)
            .where(
                t.c.ref == ref,
                t.c.platform == platform,
                t.c.chat_id == chat_id,
                t.c.answered == 0,
            )
            .values(answered=1)
        )
        return changed > 0

    async def forget_asked(self, before: datetime) -> int:
        """See :meth:`Repository.forget_asked`."""
        return await self._write(delete(asked).where(asked.c.created_at < to_db_time(before)))

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
        """See :meth:`Repository.add_example`."""
        if source not in EXAMPLE_SOURCES or status not in EXAMPLE_STATUSES:
            raise ValueError(f"not an example source and status: {source!r}, {status!r}")
        when = to_db_time(utc_or_now(at))
        outcome = await self._execute(
            insert(examples).values(
                platform=platform,
                chat_id=chat_id,
                text=clip_unrouted(text),
                lang=lang,
                answer=answer,
                source=source,
                status=status,
                created_at=when,
                decided_at=None if status == "suggested" else when,
            )
        )
        if outcome.new_id is None:  # pragma: no cover - both engines report the new id
            raise StorageError("the database did not report the new example's id")
        return outcome.new_id

    async def list_examples(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Example]:
        """See :meth:`Repository.list_examples`."""
        t = examples
        clauses = _filters(t, platform, chat_id, None, "created_at")
        if status is not None:
            clauses.append(t.c.status == status)
        stmt = (
            select(t.c.id, t.c.platform, t.c.chat_id, t.c.text, t.c.lang, t.c.answer,
                   t.c.source, t.c.status, t.c.created_at, t.c.decided_at)
            .where(*clauses)
            .order_by(desc(t.c.created_at), desc(t.c.id))
        )  # fmt: skip
        if limit is not None:
            stmt = stmt.limit(max(limit, 0))
        return [
            Example(int(i), p, c, text, lang, answer, source, status, from_db_time(created),
                    from_db_time(decided) if decided is not None else None)
            for i, p, c, text, lang, answer, source, status, created, decided
            in await self._rows(stmt)
        ]  # fmt: skip

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
        """See :meth:`Repository.decide_example`."""
        if status not in EXAMPLE_STATUSES:
            raise ValueError(f"not an example status: {status!r}")
        t = examples
        values: dict[str, Any] = {"status": status, "decided_at": to_db_time(utc_or_now(at))}
        if relabel:
            values["answer"] = answer
        changed = await self._write(
            update(t)
            .where(t.c.id == example_id, t.c.platform == platform, t.c.chat_id == chat_id)
            .values(**values)
        )
        return changed > 0

    # -- the deployment's retrained question router ------------------------------------------

    async def add_router_model(
        self,
        model: str,
        figures: dict[str, Any],
        examples: int,
        items: int,
        at: datetime | None = None,
    ) -> int:
        """See :meth:`Repository.add_router_model`."""
        t = router_models
        outcome = await self._execute(
            insert(t).values(
                trained_at=to_db_time(utc_or_now(at)),
                examples=examples,
                items=items,
                figures=json.dumps(figures, ensure_ascii=False, sort_keys=True),
                model=model,
                active=0,
            )
        )
        if outcome.new_id is None:  # pragma: no cover - both engines report the new id
            raise StorageError("the database did not report the new model's id")
        # One statement: at every moment exactly one row (or none) is active.
        await self._write(update(t).values(active=case((t.c.id == outcome.new_id, 1), else_=0)))
        return outcome.new_id

    async def active_router_model(self, *, with_model: bool = True) -> RouterModel | None:
        """See :meth:`Repository.active_router_model`."""
        t = router_models
        cols: list[Any] = [t.c.id, t.c.trained_at, t.c.examples, t.c["items"], t.c.figures]
        if with_model:
            cols.append(t.c.model)
        rows = await self._rows(
            select(*cols).where(t.c.active == 1).order_by(desc(t.c.id)).limit(1)
        )
        if not rows:
            return None
        row = rows[0]
        return RouterModel(
            int(row[0]),
            from_db_time(row[1]),
            int(row[2]),
            int(row[3]),
            json.loads(row[4]),
            str(row[5]) if with_model else "",
            True,
        )

    async def deactivate_router_models(self) -> int:
        """See :meth:`Repository.deactivate_router_models`."""
        return await self._write(
            update(router_models).where(router_models.c.active == 1).values(active=0)
        )
