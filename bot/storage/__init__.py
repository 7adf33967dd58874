"""Storage layer: the :class:`Repository` interface and its backends.

Open storage with :func:`open_repository` and depend only on :class:`Repository`::

    async with await open_repository("sqlite:///data/sellerbot.db", salt=secret) as repo:
        await repo.set_member_language("telegram", "42", "id")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.storage.errors import StorageError
from bot.storage.repository import (
    EXAMPLE_SOURCES,
    EXAMPLE_STATUSES,
    REMINDER_STATUSES,
    AskedQuestion,
    CommunityNote,
    CommunitySettings,
    Example,
    FeedbackSummary,
    LinkRedemption,
    ModeratorAction,
    PinRecord,
    QuestionCount,
    Reminder,
    Repository,
    RouterModel,
    UnroutedCount,
    UnroutedQuestion,
)
from bot.storage.url import is_postgres, sqlite_path

if TYPE_CHECKING:
    from bot.storage.sqlite import MissingDatabase, SqliteRepository


def __getattr__(name: str) -> Any:
    # The SQLite backend (SQLAlchemy, aiosqlite) is imported when first used, so that what
    # needs only the records or the URL parsing (``sellerbot ask`` reading the deployment's
    # router model) starts quickly.
    if name in ("MissingDatabase", "SqliteRepository"):
        from bot.storage import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXAMPLE_SOURCES",
    "EXAMPLE_STATUSES",
    "REMINDER_STATUSES",
    "AskedQuestion",
    "CommunityNote",
    "CommunitySettings",
    "Example",
    "FeedbackSummary",
    "LinkRedemption",
    "MissingDatabase",
    "ModeratorAction",
    "PinRecord",
    "QuestionCount",
    "Reminder",
    "Repository",
    "RouterModel",
    "SqliteRepository",
    "StorageError",
    "UnroutedCount",
    "UnroutedQuestion",
    "open_repository",
]


async def open_repository(url: str, salt: str = "", *, read_only: bool = False) -> Repository:
    """Open the storage a URL designates, migrated to the latest schema.

    Args:
        url: A plain file path, ``sqlite:///relative/path.db``, ``sqlite:////abs/path.db``,
            ``sqlite:///:memory:``, or ``postgresql://user:password@host:port/database``
            (``postgres://`` and ``postgresql+asyncpg://`` too): a PostgreSQL database that
            several bot processes share.
        salt: Salt for hashing member ids; keep it stable across restarts (and the same in
            every process on one PostgreSQL database).
        read_only: Read an existing database without creating or changing anything
            (reports); :class:`MissingDatabase` when there is none yet.

    Returns:
        An open repository; close it with ``close()`` or use it with ``async with``.

    Raises:
        StorageError: If the URL is not accepted or the database cannot be used.
    """
    if is_postgres(url):
        from bot.storage.postgres import PostgresRepository

        return await PostgresRepository.open(url, salt=salt, read_only=read_only)
    from bot.storage.sqlite import SqliteRepository

    return await SqliteRepository.open(sqlite_path(url), salt=salt, read_only=read_only)
