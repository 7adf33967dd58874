"""The repository on one SQLite file: :class:`SqliteRepository`, with aiosqlite as the driver.

The queries are :class:`~bot.storage.sql.SqlRepository`'s; this module opens the file (WAL mode
so readers never block the writer, ``busy_timeout`` so writers wait for each other), migrates
it, and runs each statement on the repository's one connection in autocommit mode, trying a
write again while another process keeps the file locked.
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
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import CursorResult, Executable
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.storage import migrations
from bot.storage.errors import StorageBusy, StorageError
from bot.storage.sql import Outcome, SqlRepository

logger = logging.getLogger(__name__)

#: How long a writer waits for another writer's lock, in milliseconds.
BUSY_TIMEOUT_MS = 5000
#: A write that still finds the file locked after the busy timeout is tried this many times.
WRITE_ATTEMPTS = 3
RETRY_PAUSE = 0.2  # seconds before the second try, doubled before each next

MEMORY = ":memory:"


@contextlib.asynccontextmanager
async def _closed_on_failure(
    conn: aiosqlite.Connection, where: str, doing: str
) -> AsyncIterator[None]:
    """Close ``conn`` if the block fails (its worker thread must not outlive the error); a
    SQLite error becomes a :class:`StorageError` that says what is wrong, in one line."""
    try:
        yield
    except (sqlite3.Error, DBAPIError) as exc:
        await conn.close()
        problem = (exc.orig or exc) if isinstance(exc, DBAPIError) else exc
        raise StorageError(
            f"cannot {doing} the database {where}: {_db_problem(where, problem)}"
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


def _db_problem(where: str, exc: BaseException) -> str:
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


def _outcome(result: CursorResult[Any], many: bool) -> Outcome:
    """Everything the caller needs from a result, read before the connection is reused."""
    rows = list(result.fetchall()) if result.returns_rows else []
    new_id = None
    if result.is_insert and not many:
        with contextlib.suppress(Exception):
            key = result.inserted_primary_key
            if key is not None and len(key) == 1 and isinstance(key[0], int):
                new_id = key[0]
    return Outcome(rows, result.rowcount if not result.returns_rows else len(rows), new_id)


def _is_lock(exc: BaseException) -> bool:
    message = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message)


class SqliteRepository(SqlRepository):
    """Repository stored in one SQLite file.

    Create it with :meth:`open`, which connects, sets the pragmas and applies migrations.
    """

    dialect = "sqlite"

    def __init__(
        self,
        conn: aiosqlite.Connection,
        engine: AsyncEngine,
        aconn: AsyncConnection,
        salt: str = "",
        path: str = MEMORY,
    ) -> None:
        """Wrap an already configured connection; use :meth:`open`.

        Args:
            conn: The aiosqlite connection, in autocommit mode (``isolation_level=None``).
            engine: The SQLAlchemy engine made on that one connection.
            aconn: The engine's connection, in autocommit mode.
            salt: Salt for hashing member ids. Changing it orphans stored member preferences
                and lets members vote again, so keep it stable.
            path: Database path, for messages.
        """
        super().__init__(salt, path)
        self._conn = conn
        self._engine = engine
        self._aconn = aconn
        self._path = path
        self._lock = asyncio.Lock()  # one connection: one statement at a time

    @property
    def path(self) -> str:
        """The database file path (``":memory:"`` for an in-memory database)."""
        return self._path

    @classmethod
    async def _wrap(cls, conn: aiosqlite.Connection, salt: str, where: str) -> SqliteRepository:
        async def same_connection() -> aiosqlite.Connection:
            return conn

        engine = create_async_engine(
            "sqlite+aiosqlite://", async_creator=same_connection, poolclass=StaticPool
        )
        aconn = await engine.connect()
        aconn = await aconn.execution_options(isolation_level="AUTOCOMMIT")
        return cls(conn, engine, aconn, salt=salt, path=where)

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
            migrations.check_not_newer(await _user_version(conn), where)
            await _enable_wal(conn, where)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            repo = await cls._wrap(conn, salt, where)
            try:
                version = await migrations.apply_migrations(repo._aconn, where=where)
                await repo._hash_answer_refs()
            except BaseException:
                await repo._dispose()
                raise
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
            version = await _user_version(conn)
            migrations.check_not_newer(version, where)
            if version < migrations.LATEST_VERSION:
                raise StorageError(
                    f"the database {where} has schema version {version}; start the bot once "
                    f"to bring it to version {migrations.LATEST_VERSION}"
                )
            return await cls._wrap(conn, salt, where)

    # -- running statements --------------------------------------------------------------------

    async def _execute(
        self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None
    ) -> Outcome:
        """Run one statement; while another process holds the file past the busy timeout, try
        again a few times, then raise :class:`StorageBusy` (nothing was written).

        A caller cancelled mid-statement gets its cancellation at once, but the statement
        itself runs to its end: cut off, it would leave the one shared connection invalid
        (SQLAlchemy's "Can't reconnect until invalid transaction is rolled back") and every
        later statement would fail."""
        self._check_open()
        for attempt in range(WRITE_ATTEMPTS):
            try:
                run = asyncio.ensure_future(self._run(stmt, params))
                run.add_done_callback(_retrieve)
                return await asyncio.shield(run)
            except DBAPIError as exc:
                problem = exc.orig or exc
                if not _is_lock(problem):
                    why = _db_problem(self._path, problem)
                    raise StorageError(f"cannot use the database {self._path}: {why}") from exc
                if attempt == WRITE_ATTEMPTS - 1:
                    raise StorageBusy(f"the database {self._path} stayed locked") from exc
                logger.warning("database locked; trying again", extra={"attempt": attempt + 1})
                await asyncio.sleep(RETRY_PAUSE * 2**attempt)
        raise AssertionError("unreachable")

    async def _run(self, stmt: Executable, params: Sequence[dict[str, Any]] | None) -> Outcome:
        async with self._lock:
            result = await self._aconn.execute(stmt, list(params) if params else None)
            return _outcome(result, many=bool(params))

    async def _dispose(self) -> None:
        async with self._lock:  # a statement still running for a cancelled caller ends first
            pass
        with contextlib.suppress(Exception):
            await self._aconn.close()
        await self._engine.dispose()
        await self._conn.close()


def _retrieve(task: asyncio.Future[Outcome]) -> None:
    """Read the outcome of a statement whose caller was cancelled (no "never retrieved")."""
    if not task.cancelled():
        task.exception()


async def _user_version(conn: aiosqlite.Connection) -> int:
    """The schema version recorded in the file (``PRAGMA user_version``)."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0
