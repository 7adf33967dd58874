"""SQLite implementation of :class:`~bot.storage.repository.Repository`, using aiosqlite.

One database file, in WAL mode so readers never block the writer. Every write is a single
statement in autocommit mode (upserts, no read-modify-write), so concurrent tasks and several
processes on the same file cannot lose rows; ``busy_timeout`` makes writers wait for each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.storage import migrations
from bot.storage.errors import StorageBusy, StorageError
from bot.storage.repository import (
    CommunityNote,
    CommunitySettings,
    FeedbackSummary,
    ModeratorAction,
    PinRecord,
    QuestionCount,
    Reminder,
    Repository,
    UnroutedCount,
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

#: How long a writer waits for another writer's lock, in milliseconds.
BUSY_TIMEOUT_MS = 5000
#: A write that still finds the file locked after the busy timeout is tried this many times.
WRITE_ATTEMPTS = 3
RETRY_PAUSE = 0.2  # seconds before the second try, doubled before each next

MEMORY = ":memory:"
#: Every table keyed by a community (a fixed list: table names cannot be SQL parameters).
_COMMUNITY_TABLES = (
    "community_settings",
    "community_notes",
    "pins",
    "questions",
    "unrouted",
    "feedback",
    "reminders",
    "moderator_actions",
)


@contextlib.asynccontextmanager
async def _closed_on_failure(
    conn: aiosqlite.Connection, where: str, doing: str
) -> AsyncIterator[None]:
    """Close ``conn`` if the block fails (its worker thread must not outlive the error); a
    SQLite error becomes a :class:`StorageError` that says what is wrong, in one line."""
    try:
        yield
    except sqlite3.Error as exc:
        await conn.close()
        raise StorageError(
            f"cannot {doing} the database {where}: {_db_problem(where, exc)}"
        ) from exc
    except BaseException:
        await conn.close()
        raise


async def _enable_wal(conn: aiosqlite.Connection, where: str) -> None:
    """Switch the file to WAL, retrying while other connections hold it.

    Changing the journal mode needs an exclusive lock, and SQLite reports ``database is locked``
    at once (without the busy handler) when several connections open a new file together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)
    mode = str(row[0]).lower() if row is not None else "?"
    if mode != "wal" and where != MEMORY:
        logger.warning("SQLite storage %s uses journal mode %s, not WAL", where, mode)


class MissingDatabase(StorageError):
    """A database opened for reading only does not exist (nothing has been recorded yet)."""


async def _connect(target: str, where: str, uri: bool = False) -> aiosqlite.Connection:
    """An autocommit aiosqlite connection; a :class:`StorageError` saying why when SQLite
    cannot open the file, once the connection's worker thread has ended (it would otherwise
    report to a closed event loop later: "Event loop is closed")."""
    pending = aiosqlite.connect(target, isolation_level=None, uri=uri)
    try:
        return await pending
    except sqlite3.Error as exc:
        worker = getattr(pending, "_thread", None)  # aiosqlite stops it but does not wait
        if isinstance(worker, threading.Thread) and worker.is_alive():
            await asyncio.to_thread(worker.join, 5)
        raise StorageError(f"cannot open the database {where}: {_db_problem(where, exc)}") from exc


def _file_in_the_way(folder: Path) -> Path | None:
    """The file that stands where ``folder`` or one of its parents should be, if any."""
    return next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)


def _os_problem(folder: Path, exc: OSError) -> str:
    """Why a folder cannot be created or written, in words a person can act on."""
    code = exc.errno
    blocker = _file_in_the_way(folder) if code in (errno.ENOTDIR, errno.EEXIST) else None
    if blocker is not None:
        return f"{blocker} is a file, not a folder"
    if code in (errno.EACCES, errno.EPERM):
        return "no permission to create or write it"
    if code == errno.EROFS:
        return "it is on a read-only file system"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the device"
    return exc.strerror or str(exc)


def _db_problem(where: str, exc: sqlite3.Error) -> str:
    """Why SQLite cannot use the database file, in words a person can act on."""
    message = str(exc)
    path = Path(where)
    if path.is_dir():
        return f"{path} is a folder, not a database file"
    if "unable to open" in message:
        folder = path.parent
        if not folder.is_dir():
            return f"the folder {folder} does not exist"
        if not path.exists() and not os.access(folder, os.W_OK):
            return f"the folder {folder} is read-only (no permission to create files there)"
        if path.exists() and not os.access(path, os.R_OK):
            return "no permission to read the file"
        return f"SQLite cannot open it ({message})"
    if "readonly" in message or "read-only" in message:
        return f"the file or its folder {path.parent} is read-only (no permission to write)"
    if "full" in message:
        return "no space left on the device (the database or disk is full)"
    if "not a database" in message:
        return "the file is not a SQLite database"
    return message


def _filters(
    platform: str | None, chat_id: str | None, since: datetime | None, time_column: str
) -> tuple[str, list[Any]]:
    """Build a WHERE clause (column names fixed here, values as parameters)."""
    clauses: list[str] = []
    params: list[Any] = []
    if platform is not None:
        clauses.append("platform = ?")
        params.append(platform)
    if chat_id is not None:
        clauses.append("chat_id = ?")
        params.append(chat_id)
    if since is not None:
        clauses.append(f"{time_column} >= ?")
        params.append(to_db_time(since))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, params


class SqliteRepository(Repository):
    """Repository stored in one SQLite file.

    Create it with :meth:`open`, which connects, sets the pragmas and applies migrations.
    """

    def __init__(self, conn: aiosqlite.Connection, salt: str = "", path: str = MEMORY) -> None:
        """Wrap an already configured and migrated connection; prefer :meth:`open`.

        Args:
            conn: An aiosqlite connection in autocommit mode (``isolation_level=None``).
            salt: Salt for hashing member ids. Changing it orphans stored member preferences
                and lets members vote again, so keep it stable.
            path: Database path, for messages.
        """
        self._conn = conn
        self._salt = salt
        self._path = path
        self._closed = False

    @property
    def path(self) -> str:
        """The database file path (``":memory:"`` for an in-memory database)."""
        return self._path

    @classmethod
    async def open(
        cls, path: str | Path, salt: str = "", *, read_only: bool = False
    ) -> SqliteRepository:
        """Open (creating if needed) the database at ``path`` and migrate it to the latest schema.

        Args:
            path: Database file path; parent directories are created. ``":memory:"`` gives a
                private in-memory database.
            salt: Salt for hashing member ids.
            read_only: Open an existing database for reading only (reports): nothing is
                created or changed, and a missing file raises :class:`MissingDatabase`.

        Returns:
            The ready repository.

        Raises:
            StorageError: If the folder or file cannot be used (the message says why, in one
                line), or the file is newer than this code. Nothing is left running.
        """
        where = str(path)
        if read_only:
            return await cls._open_read_only(where, salt)
        if where != MEMORY:
            folder = Path(where).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot use the data folder {folder}: {_os_problem(folder, exc)}"
                ) from exc
        conn = await _connect(where, where)
        async with _closed_on_failure(conn, where, "use"):
            await conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            # Refuse a newer file before changing anything in it.
            migrations.check_not_newer(await migrations.get_user_version(conn), where)
            await _enable_wal(conn, where)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            version = await migrations.apply_migrations(conn, where=where)
            repo = cls(conn, salt=salt, path=where)
            await repo._hash_answer_refs()
        logger.info("Opened SQLite storage %s (schema version %d)", where, version)
        return repo

    @classmethod
    async def _open_read_only(cls, where: str, salt: str) -> SqliteRepository:
        if where == MEMORY or not Path(where).exists():
            folder = Path(where).parent
            blocker = _file_in_the_way(folder)
            if blocker is not None:
                raise StorageError(
                    f"cannot use the data folder {folder}: {blocker} is a file, not a folder"
                )
            raise MissingDatabase(f"there is no database at {where}")
        # While the bot runs, its -wal and -shm files exist and a read-only connection shares
        # them. Without them no one is writing, and the file is read as it is ("immutable"),
        # so that the report leaves no -wal or -shm file behind either.
        running = Path(f"{where}-wal").exists()
        mode = "mode=ro" if running else "mode=ro&immutable=1"
        conn = await _connect(f"{Path(where).resolve().as_uri()}?{mode}", where, uri=True)
        async with _closed_on_failure(conn, where, "read"):
            await conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            version = await migrations.get_user_version(conn)
            migrations.check_not_newer(version, where)
            if version < migrations.LATEST_VERSION:
                raise StorageError(
                    f"the database {where} has schema version {version}; start the bot once "
                    f"to bring it to version {migrations.LATEST_VERSION}"
                )
        return cls(conn, salt=salt, path=where)

    # -- helpers -----------------------------------------------------------------------------

    def _member(self, platform: str, user_id: str) -> str:
        return hash_member_id(self._salt, platform, user_id)

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"SQLite storage {self._path} is closed")

    async def _write(self, sql: str, params: Sequence[Any]) -> int:
        """Run one write; while another process holds the file past the busy timeout, try
        again a few times, then raise :class:`StorageBusy` (nothing was written)."""
        self._check_open()
        for attempt in range(WRITE_ATTEMPTS):
            try:
                async with self._conn.execute(sql, params) as cursor:
                    return cursor.rowcount
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == WRITE_ATTEMPTS - 1:
                    raise StorageBusy(f"the database {self._path} stayed locked") from exc
                logger.warning("database locked; trying again", extra={"attempt": attempt + 1})
                await asyncio.sleep(RETRY_PAUSE * 2**attempt)
        raise AssertionError("unreachable")

    async def _rows(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        self._check_open()
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    # -- member and community languages ------------------------------------------------------

    async def get_member_language(self, platform: str, user_id: str) -> str | None:
        """See :meth:`Repository.get_member_language`."""
        rows = await self._rows(
            "SELECT lang FROM member_prefs WHERE platform = ? AND user_hash = ?",
            (platform, self._member(platform, user_id)),
        )
        return str(rows[0][0]) if rows else None

    async def set_member_language(self, platform: str, user_id: str, lang: str | None) -> None:
        """See :meth:`Repository.set_member_language`. Clearing removes the member's row."""
        user_hash = self._member(platform, user_id)
        if lang is None:
            await self._write(
                "DELETE FROM member_prefs WHERE platform = ? AND user_hash = ?",
                (platform, user_hash),
            )
            return
        await self._write(
            """
            INSERT INTO member_prefs (platform, user_hash, lang, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (platform, user_hash)
            DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at
            """,
            (platform, user_hash, lang, to_db_time(utc_or_now(None))),
        )

    async def get_community(self, platform: str, chat_id: str) -> CommunitySettings | None:
        """See :meth:`Repository.get_community`."""
        rows = await self._rows(
            """
            SELECT default_lang, updated_at FROM community_settings
            WHERE platform = ? AND chat_id = ?
            """,
            (platform, chat_id),
        )
        if not rows:
            return None
        default_lang, updated_at = rows[0]
        return CommunitySettings(platform, chat_id, default_lang, from_db_time(updated_at))

    async def set_community_language(self, platform: str, chat_id: str, lang: str | None) -> None:
        """See :meth:`Repository.set_community_language`."""
        await self._write(
            """
            INSERT INTO community_settings (platform, chat_id, default_lang, updated_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (platform, chat_id)
            DO UPDATE SET default_lang = excluded.default_lang, updated_at = excluded.updated_at
            """,
            (platform, chat_id, lang, to_db_time(utc_or_now(None))),
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
        await self._write(
            "INSERT INTO questions (platform, chat_id, situation, lang, asked_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (platform, chat_id, situation, lang, to_db_time(utc_or_now(at))),
        )

    async def record_questions(
        self, rows: Sequence[tuple[str, str | None, str | None, str, datetime | None]]
    ) -> None:
        """See :meth:`Repository.record_questions`."""
        self._check_open()
        await self._conn.executemany(
            "INSERT INTO questions (platform, chat_id, situation, lang, asked_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(p, c, s, lang, to_db_time(utc_or_now(at))) for p, c, s, lang, at in rows],
        )

    async def question_counts(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[QuestionCount]:
        """See :meth:`Repository.question_counts`."""
        where, params = _filters(platform, chat_id, since, "asked_at")
        rows = await self._rows(
            f"""
            SELECT situation, lang, COUNT(*) AS n FROM questions {where}
            GROUP BY situation, lang
            ORDER BY n DESC, situation IS NULL, situation, lang
            """,
            params,
        )
        return [(situation, lang, int(n)) for situation, lang, n in rows]

    async def record_unrouted(
        self,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        """See :meth:`Repository.record_unrouted`."""
        clipped = clip_unrouted(text)
        await self._write(
            "INSERT INTO unrouted (platform, chat_id, text, normalised, lang, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (platform, chat_id, clipped, normalise_text(clipped), lang, to_db_time(utc_or_now(at))),
        )

    async def record_unrouted_many(
        self, rows: Sequence[tuple[str, str | None, str, str, datetime | None]]
    ) -> None:
        """See :meth:`Repository.record_unrouted_many`."""
        self._check_open()
        params = []
        for platform, chat_id, text, lang, at in rows:
            clipped = clip_unrouted(text)
            params.append(
                (
                    platform,
                    chat_id,
                    clipped,
                    normalise_text(clipped),
                    lang,
                    to_db_time(utc_or_now(at)),
                )
            )
        await self._conn.executemany(
            "INSERT INTO unrouted (platform, chat_id, text, normalised, lang, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            params,
        )

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
        where, params = _filters(platform, chat_id, since, "asked_at")
        rows = await self._rows(
            f"""
            SELECT normalised, lang, COUNT(*) AS n, MAX(asked_at) AS last_seen
            FROM unrouted {where}
            GROUP BY normalised, lang
            ORDER BY n DESC, last_seen DESC, normalised, lang
            LIMIT ?
            """,
            [*params, limit],
        )
        return [
            UnroutedCount(text, lang, int(n), from_db_time(last_seen))
            for text, lang, n, last_seen in rows
        ]

    # -- feedback ------------------------------------------------------------------------------

    async def move_community(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        """See :meth:`Repository.move_community`. Each statement is atomic and the whole is
        idempotent (Telegram announces a migration in both chats): a repeat finishes it."""
        moved = 0
        for table in _COMMUNITY_TABLES:
            # Rows the new chat already has win over the old chat's (OR IGNORE, then delete).
            moved += await self._write(
                f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE platform = ? AND chat_id = ?",
                (new_chat_id, platform, old_chat_id),
            )
            await self._write(
                f"DELETE FROM {table} WHERE platform = ? AND chat_id = ?", (platform, old_chat_id)
            )
        if moved:
            logger.info("moved a community", extra={"platform": platform, "rows": moved})
        return moved

    def _answer(self, platform: str, answer_ref: str) -> str:
        # A private chat's answer is "<chat>:<message>", and the chat id is the member's id:
        # stored hashed like member ids (only its equality is ever needed).
        return hash_member_id(self._salt, platform, f"answer:{answer_ref}")

    async def _hash_answer_refs(self) -> None:
        """Hash the answer refs of votes stored before they were hashed (a later vote by the
        same member on the same answer wins)."""
        rows = await self._rows(
            "SELECT rowid, platform, answer_ref FROM feedback WHERE length(answer_ref) != 64", ()
        )
        for rowid, platform, ref in rows:
            try:
                await self._write(
                    "UPDATE feedback SET answer_ref = ? WHERE rowid = ?",
                    (self._answer(platform, ref), rowid),
                )
            except sqlite3.IntegrityError:
                await self._write("DELETE FROM feedback WHERE rowid = ?", (rowid,))
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
        await self._write(
            """
            INSERT INTO feedback (platform, user_hash, answer_ref, situation, lang, helpful,
                                  chat_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (platform, user_hash, answer_ref) DO UPDATE SET
                situation = excluded.situation,
                lang = excluded.lang,
                helpful = excluded.helpful,
                chat_id = COALESCE(excluded.chat_id, feedback.chat_id),
                updated_at = excluded.updated_at
            """,
            (
                platform,
                self._member(platform, user_id),
                self._answer(platform, answer_ref),
                situation,
                lang,
                1 if helpful else 0,
                chat_id,
                when,
                when,
            ),
        )

    async def feedback_summary(
        self,
        platform: str | None = None,
        chat_id: str | None = None,
        since: datetime | None = None,
    ) -> list[FeedbackSummary]:
        """See :meth:`Repository.feedback_summary`."""
        where, params = _filters(platform, chat_id, since, "updated_at")
        rows = await self._rows(
            f"""
            SELECT situation, lang, SUM(helpful), SUM(1 - helpful) FROM feedback {where}
            GROUP BY situation, lang
            ORDER BY situation, lang
            """,
            params,
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
        await self._write(
            """
            INSERT INTO pins (platform, chat_id, message_id, situation, lang, content_version,
                              pinned_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (platform, chat_id, message_id) DO UPDATE SET
                situation = excluded.situation,
                lang = excluded.lang,
                content_version = excluded.content_version,
                updated_at = excluded.updated_at
            """,
            (platform, chat_id, message_id, situation, lang, content_version, when, when),
        )

    async def list_pins(self, platform: str, chat_id: str | None = None) -> list[PinRecord]:
        """See :meth:`Repository.list_pins`. Ordered by chat, then pin time."""
        where, params = _filters(platform, chat_id, None, "pinned_at")
        rows = await self._rows(
            f"""
            SELECT platform, chat_id, message_id, situation, lang, content_version,
                   pinned_at, updated_at
            FROM pins {where}
            ORDER BY chat_id, pinned_at, message_id
            """,
            params,
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
            """
            UPDATE pins SET content_version = ?, updated_at = ?
            WHERE platform = ? AND chat_id = ? AND message_id = ?
            """,
            (content_version, to_db_time(utc_or_now(None)), platform, chat_id, message_id),
        )
        return changed > 0

    async def forget_pin(self, platform: str, chat_id: str, message_id: str) -> bool:
        """See :meth:`Repository.forget_pin`."""
        removed = await self._write(
            "DELETE FROM pins WHERE platform = ? AND chat_id = ? AND message_id = ?",
            (platform, chat_id, message_id),
        )
        return removed > 0

    # -- community notes -----------------------------------------------------------------------

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
        await self._write(
            """
            INSERT INTO community_notes (platform, chat_id, situation, text, author_hash,
                                         created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (platform, chat_id, situation) DO UPDATE SET
                text = excluded.text,
                author_hash = excluded.author_hash,
                updated_at = excluded.updated_at
            """,
            (platform, chat_id, situation, text, self._member(platform, author_id), when, when),
        )

    async def get_note(self, platform: str, chat_id: str, situation: str) -> str | None:
        """See :meth:`Repository.get_note`."""
        rows = await self._rows(
            "SELECT text FROM community_notes WHERE platform = ? AND chat_id = ? AND situation = ?",
            (platform, chat_id, situation),
        )
        return str(rows[0][0]) if rows else None

    async def list_notes(self, platform: str, chat_id: str) -> list[CommunityNote]:
        """See :meth:`Repository.list_notes`."""
        rows = await self._rows(
            """
            SELECT situation, text, updated_at FROM community_notes
            WHERE platform = ? AND chat_id = ?
            ORDER BY situation
            """,
            (platform, chat_id),
        )
        return [
            CommunityNote(platform, chat_id, sid, text, from_db_time(updated))
            for sid, text, updated in rows
        ]

    async def delete_note(self, platform: str, chat_id: str, situation: str) -> bool:
        """See :meth:`Repository.delete_note`."""
        removed = await self._write(
            "DELETE FROM community_notes WHERE platform = ? AND chat_id = ? AND situation = ?",
            (platform, chat_id, situation),
        )
        return removed > 0

    # -- deadline reminders --------------------------------------------------------------------

    _REMINDER_COLUMNS = (
        "id, platform, user_id, chat_id, situation, lang, requested_at, remind_at, deadline_at, "
        "status, attempts, done_at"
    )

    @staticmethod
    def _reminder(row: sqlite3.Row) -> Reminder:
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
        self._check_open()
        async with self._conn.execute(
            """
            INSERT INTO reminders (platform, user_id, chat_id, situation, lang, requested_at,
                                   remind_at, deadline_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                platform,
                user_id,
                chat_id,
                situation,
                lang,
                to_db_time(utc_or_now(requested_at)),
                to_db_time(remind_at),
                to_db_time(deadline_at),
            ),
        ) as cursor:
            rid = cursor.lastrowid
        if rid is None:  # pragma: no cover - sqlite always reports the new rowid
            raise StorageError("SQLite did not report the new reminder's id")
        return int(rid)

    async def due_reminders(
        self, now: datetime, platform: str | None = None, limit: int = 100
    ) -> list[Reminder]:
        """See :meth:`Repository.due_reminders`."""
        if limit <= 0:
            return []
        clauses = ["status = 'pending'", "remind_at <= ?"]
        params: list[Any] = [to_db_time(now)]
        if platform is not None:
            clauses.append("platform = ?")
            params.append(platform)
        rows = await self._rows(
            f"""
            SELECT {self._REMINDER_COLUMNS} FROM reminders
            WHERE {" AND ".join(clauses)}
            ORDER BY remind_at, id
            LIMIT ?
            """,
            [*params, limit],
        )
        return [self._reminder(r) for r in rows]

    async def _close_reminder(self, reminder_id: int, status: str, at: datetime | None) -> bool:
        changed = await self._write(
            "UPDATE reminders SET status = ?, done_at = ? WHERE id = ? AND status = 'pending'",
            (status, to_db_time(utc_or_now(at)), reminder_id),
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
            "UPDATE reminders SET attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
            (reminder_id,),
        )
        rows = await self._rows("SELECT attempts FROM reminders WHERE id = ?", (reminder_id,))
        return int(rows[0][0]) if rows else 0

    async def cancel_reminder(self, platform: str, user_id: str, reminder_id: int) -> bool:
        """See :meth:`Repository.cancel_reminder`."""
        changed = await self._write(
            """
            UPDATE reminders SET status = 'cancelled', done_at = ?
            WHERE id = ? AND platform = ? AND user_id = ? AND status = 'pending'
            """,
            (to_db_time(utc_or_now(None)), reminder_id, platform, user_id),
        )
        return changed > 0

    async def get_reminder(self, reminder_id: int) -> Reminder | None:
        """See :meth:`Repository.get_reminder`."""
        rows = await self._rows(
            f"SELECT {self._REMINDER_COLUMNS} FROM reminders WHERE id = ?", (reminder_id,)
        )
        return self._reminder(rows[0]) if rows else None

    async def list_reminders(self, platform: str, user_id: str) -> list[Reminder]:
        """See :meth:`Repository.list_reminders`."""
        rows = await self._rows(
            f"""
            SELECT {self._REMINDER_COLUMNS} FROM reminders
            WHERE platform = ? AND user_id = ? AND status = 'pending'
            ORDER BY remind_at, id
            """,
            (platform, user_id),
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
            "INSERT INTO moderator_actions (platform, chat_id, actor_id, action, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (platform, chat_id, actor_id, action, detail, to_db_time(utc_or_now(at))),
        )

    async def list_actions(
        self, platform: str, chat_id: str, limit: int = 50
    ) -> list[ModeratorAction]:
        """See :meth:`Repository.list_actions`."""
        if limit <= 0:
            return []
        rows = await self._rows(
            """
            SELECT id, actor_id, action, detail, at FROM moderator_actions
            WHERE platform = ? AND chat_id = ?
            ORDER BY at DESC, id DESC
            LIMIT ?
            """,
            (platform, chat_id, limit),
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
        await self._conn.close()
        logger.debug("Closed SQLite storage %s", self._path)

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
