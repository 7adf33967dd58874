"""Versioned schema migrations for the SQLite backend.

The schema version of a database file is kept in ``PRAGMA user_version`` (0 for a new file).
:data:`MIGRATIONS` is append-only: never edit a released migration, add a new one instead.
Each migration runs in its own ``BEGIN IMMEDIATE`` transaction together with the version bump,
so a failure leaves the file at the previous version, and several processes opening the same
new file at once apply each migration exactly once.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import NamedTuple

import aiosqlite

from bot.storage.errors import StorageError

logger = logging.getLogger(__name__)


class Migration(NamedTuple):
    """One schema step: ``(version, description, sql)``."""

    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "member preferences, community settings, feedback",
        """
        CREATE TABLE member_prefs (
            platform   TEXT NOT NULL,
            user_hash  TEXT NOT NULL,
            lang       TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, user_hash)
        );
        CREATE TABLE community_settings (
            platform     TEXT NOT NULL,
            chat_id      TEXT NOT NULL,
            default_lang TEXT,
            updated_at   TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id)
        );
        CREATE TABLE feedback (
            id         INTEGER PRIMARY KEY,
            platform   TEXT NOT NULL,
            user_hash  TEXT NOT NULL,
            answer_ref TEXT NOT NULL,
            situation  TEXT NOT NULL,
            lang       TEXT NOT NULL,
            helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (platform, user_hash, answer_ref)
        );
        """,
    ),
    Migration(
        2,
        "questions, unrouted texts, pins; chat id on feedback",
        """
        CREATE TABLE questions (
            id        INTEGER PRIMARY KEY,
            platform  TEXT NOT NULL,
            chat_id   TEXT,
            situation TEXT,
            lang      TEXT NOT NULL,
            asked_at  TEXT NOT NULL
        );
        CREATE INDEX questions_by_time ON questions (asked_at);
        CREATE INDEX questions_by_chat ON questions (platform, chat_id, asked_at);

        CREATE TABLE unrouted (
            id         INTEGER PRIMARY KEY,
            platform   TEXT NOT NULL,
            chat_id    TEXT,
            text       TEXT NOT NULL,
            normalised TEXT NOT NULL,
            lang       TEXT NOT NULL,
            asked_at   TEXT NOT NULL
        );
        CREATE INDEX unrouted_by_time ON unrouted (asked_at);
        CREATE INDEX unrouted_by_chat ON unrouted (platform, chat_id, asked_at);

        CREATE TABLE pins (
            platform        TEXT NOT NULL,
            chat_id         TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            situation       TEXT NOT NULL,
            lang            TEXT NOT NULL,
            content_version TEXT NOT NULL,
            pinned_at       TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id, message_id)
        );

        ALTER TABLE feedback ADD COLUMN chat_id TEXT;
        CREATE INDEX feedback_by_chat ON feedback (platform, chat_id, updated_at);
        CREATE INDEX feedback_by_situation ON feedback (situation, lang);
        """,
    ),
    Migration(
        3,
        "community notes, deadline reminders, moderator action log",
        """
        CREATE TABLE community_notes (
            platform    TEXT NOT NULL,
            chat_id     TEXT NOT NULL,
            situation   TEXT NOT NULL,
            text        TEXT NOT NULL,
            author_hash TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            PRIMARY KEY (platform, chat_id, situation)
        );

        CREATE TABLE reminders (
            id           INTEGER PRIMARY KEY,
            platform     TEXT NOT NULL,
            user_id      TEXT NOT NULL,
            chat_id      TEXT,
            situation    TEXT NOT NULL,
            lang         TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            remind_at    TEXT NOT NULL,
            deadline_at  TEXT NOT NULL,
            status       TEXT NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'sent', 'dropped', 'failed', 'cancelled')),
            attempts     INTEGER NOT NULL DEFAULT 0,
            done_at      TEXT
        );
        CREATE INDEX reminders_due ON reminders (status, remind_at);
        CREATE INDEX reminders_by_member ON reminders (platform, user_id, status);

        CREATE TABLE moderator_actions (
            id       INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            chat_id  TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            action   TEXT NOT NULL,
            detail   TEXT NOT NULL,
            at       TEXT NOT NULL
        );
        CREATE INDEX moderator_actions_by_chat ON moderator_actions (platform, chat_id, at);
        """,
    ),
)

#: The schema version this code writes.
LATEST_VERSION: int = MIGRATIONS[-1].version


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (``;`` inside strings is respected).

    Args:
        script: One or more SQL statements.

    Returns:
        The statements, stripped, without empty ones.

    Raises:
        StorageError: If the script ends with an incomplete statement.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if statement != ";":
                statements.append(statement)
            pending = ""
    if pending.rstrip(";").strip():
        raise StorageError(f"incomplete SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


async def get_user_version(conn: aiosqlite.Connection) -> int:
    """Return the schema version recorded in the database (``PRAGMA user_version``)."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


def check_not_newer(version: int, where: str) -> None:
    """Raise :class:`StorageError` if ``version`` is newer than this code knows.

    Args:
        version: The database's schema version.
        where: Names the database in the message (e.g. its path).
    """
    if version > LATEST_VERSION:
        raise StorageError(
            f"database {where} has schema version {version}, but this version of the bot only "
            f"knows versions up to {LATEST_VERSION}; it was written by a newer bot. Upgrade the "
            "bot or use another database file. The file was left untouched."
        )


async def apply_migrations(
    conn: aiosqlite.Connection, target: int | None = None, *, where: str = "(database)"
) -> int:
    """Bring the schema up to ``target`` (default: the latest), one transaction per step.

    The connection must be in autocommit mode (``isolation_level=None``) and not inside a
    transaction.

    Args:
        conn: An open aiosqlite connection.
        target: Version to stop at; None means :data:`LATEST_VERSION`.
        where: Names the database in log lines and errors.

    Returns:
        The schema version after migrating.

    Raises:
        StorageError: If the database is newer than this code, or ``target`` is unknown.
    """
    goal = LATEST_VERSION if target is None else target
    if goal < 0 or goal > LATEST_VERSION:
        raise StorageError(f"unknown schema version {goal}; known: 0 to {LATEST_VERSION}")
    current = await get_user_version(conn)
    check_not_newer(current, where)
    for migration in MIGRATIONS:
        if migration.version <= current or migration.version > goal:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            current = await get_user_version(conn)
            check_not_newer(current, where)
            if migration.version <= current:
                await conn.rollback()
                continue
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            # PRAGMA takes no parameters; the version is an int from this module.
            await conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            await conn.commit()
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        current = migration.version
        logger.info(
            "Migrated %s to schema version %d: %s", where, migration.version, migration.description
        )
    return current
