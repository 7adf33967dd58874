"""Versioned schema migrations, with Alembic, for every engine.

The scripts live in ``bot/storage/revisions`` (revision ``vN`` is schema version N) and run
programmatically: no ``alembic.ini`` is needed. The whole upgrade runs in one transaction that
first takes the database's write lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL; both engines have transactional DDL), so a failure leaves the database as it was
and several processes opening the same new database at once apply each step exactly once.

SQLite files written before Alembic record their version only in ``PRAGMA user_version``;
they are stamped with the matching revision, then upgraded. The scripts keep
``user_version`` in step on SQLite, so older bots still refuse newer files.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.errors import StorageError

logger = logging.getLogger(__name__)

#: The folder of the migration scripts.
REVISIONS = Path(__file__).with_name("revisions")
#: The schema version this code writes.
LATEST_VERSION: int = 7
#: pg_advisory_xact_lock key taken while migrating ("sellerbt" in ASCII).
_PG_LOCK = 0x73656C6C65726274


def _script() -> ScriptDirectory:
    folder = str(REVISIONS)
    return ScriptDirectory(folder, version_locations=[folder])


def _version_of(revision: str) -> int:
    if revision.startswith("v") and revision[1:].isdigit():
        return int(revision[1:])
    return LATEST_VERSION + 1  # not one of ours: written by a newer bot


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
            "bot or use another database. The database was left untouched."
        )


def read_version(conn: Connection) -> int:
    """The schema version of the database ``conn`` is on (0 when it has none yet)."""
    heads = MigrationContext.configure(conn).get_current_heads()
    if heads:
        return max(_version_of(h) for h in heads)
    if conn.dialect.name == "sqlite":
        return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    return 0


async def current_version(conn: AsyncConnection) -> int:
    """The schema version of the database ``conn`` is on (0 when it has none yet)."""
    return await conn.run_sync(read_version)


def _upgrade(conn: Connection, goal: int, where: str) -> tuple[int, int]:
    current = read_version(conn)
    check_not_newer(current, where)
    script = _script()

    def steps(rev: Any, context: Any) -> Any:
        return script._upgrade_revs(f"v{goal}", rev)

    context = MigrationContext.configure(conn, opts={"fn": steps})
    if current and not context.get_current_heads():
        context.stamp(script, f"v{current}")  # a SQLite file from before Alembic
    if current >= goal:
        return current, current
    with Operations.context(context):
        context.run_migrations()
    return current, goal


async def apply_migrations(
    conn: AsyncConnection, target: int | None = None, *, where: str = "(database)"
) -> int:
    """Bring the schema up to ``target`` (default: the latest), in one locked transaction.

    Args:
        conn: On SQLite, a connection in autocommit mode (the transaction is begun here); on
            PostgreSQL, a connection not in a transaction.
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
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            before, after = await conn.run_sync(_upgrade, goal, where)
            await conn.exec_driver_sql("COMMIT")
        except BaseException:
            raw = await conn.get_raw_connection()
            if getattr(raw.driver_connection, "in_transaction", False):
                await conn.exec_driver_sql("ROLLBACK")
            raise
    else:
        async with conn.begin():
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            before, after = await conn.run_sync(_upgrade, goal, where)
    script = _script()
    for version in range(before + 1, after + 1):
        revision = script.get_revision(f"v{version}")
        logger.info(
            "Migrated %s to schema version %d: %s",
            where,
            version,
            revision.doc if revision else "",
        )
    return after
