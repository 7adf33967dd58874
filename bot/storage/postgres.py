"""The repository on a PostgreSQL database: :class:`PostgresRepository`, driven by asyncpg.

The queries are :class:`~bot.storage.sql.SqlRepository`'s; each statement runs on a pooled
connection in autocommit mode, so several processes share one database. Opening migrates the
database under an advisory lock (:func:`bot.storage.migrations.apply_migrations`), so processes
that start together apply each step once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError, InvalidRequestError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage import migrations
from bot.storage.errors import StorageError
from bot.storage.sql import Outcome, SqlRepository
from bot.storage.url import postgres_url, redact

logger = logging.getLogger(__name__)


def _problem(exc: BaseException) -> str:
    """The driver's own message (asyncpg's), in one line."""
    problem = getattr(exc, "orig", None) or exc
    return " ".join(str(problem).split()) or type(problem).__name__


def make_engine(url: str) -> AsyncEngine:
    """An asyncpg engine on the database ``url`` names, in autocommit mode.

    Raises:
        StorageError: ``url`` is not a PostgreSQL URL this code can use.
    """
    # Ten kept connections (SQLAlchemy's default keeps five): a busy process had more than five
    # statements under way at once, and every one beyond them opened and closed a connection
    # of its own (a sixth of a webhook worker's time, measured with py-spy). At most 15 each
    # keeps several processes within PostgreSQL's default of 100 connections.
    return create_async_engine(
        postgres_url(url),
        isolation_level="AUTOCOMMIT",
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=5,
    )


class PostgresRepository(SqlRepository):
    """Repository on one PostgreSQL database; open it with :meth:`open`."""

    dialect = "postgresql"

    def __init__(self, engine: AsyncEngine, salt: str, where: str) -> None:
        """Wrap an engine whose database is migrated; use :meth:`open`."""
        super().__init__(salt, where)
        self._engine = engine

    @property
    def engine(self) -> AsyncEngine:
        """The SQLAlchemy engine (autocommit) the repository runs its statements on."""
        return self._engine

    @classmethod
    async def open(cls, url: str, salt: str = "", *, read_only: bool = False) -> PostgresRepository:
        """Connect to the database ``url`` designates and migrate it to the latest schema.

        Args:
            url: ``postgresql://user:password@host:port/database`` (``postgres://`` and
                ``postgresql+asyncpg://`` too).
            salt: Salt for hashing member ids: the same in every process of a deployment.
            read_only: Change nothing: a database not at the latest version is refused.

        Returns:
            The ready repository.

        Raises:
            StorageError: The server cannot be reached or the database is not usable (the
                message never shows the password), or it is newer than this code.
        """
        where = redact(url.strip())
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                if read_only:
                    version = await migrations.current_version(conn)
                    migrations.check_not_newer(version, where)
                    if version < migrations.LATEST_VERSION:
                        raise StorageError(
                            f"the database {where} has schema version {version}; start the "
                            f"bot once to bring it to version {migrations.LATEST_VERSION}"
                        )
                else:
                    conn = await conn.execution_options(isolation_level="READ COMMITTED")
                    version = await migrations.apply_migrations(conn, where=where)
            repo = cls(engine, salt, where)
            if not read_only:
                await repo._hash_answer_refs()
        except (SQLAlchemyError, OSError) as exc:
            await engine.dispose()
            raise StorageError(f"cannot use the database {where}: {_problem(exc)}") from exc
        except BaseException:
            await engine.dispose()
            raise
        logger.info("Opened PostgreSQL storage %s (schema version %d)", where, version)
        return repo

    async def _execute(
        self, stmt: Executable, params: Sequence[dict[str, Any]] | None = None
    ) -> Outcome:
        self._check_open()
        try:
            async with self._engine.connect() as conn:
                result = await conn.execute(stmt, list(params) if params else None)
                rows = list(result.fetchall()) if result.returns_rows else []
                new_id = None
                if result.is_insert and not params:
                    # (None for a statement with its own RETURNING: its rows say what it did)
                    with contextlib.suppress(InvalidRequestError):
                        key = result.inserted_primary_key
                        if key is not None and len(key) == 1 and isinstance(key[0], int):
                            new_id = key[0]
                count = result.rowcount if not result.returns_rows else len(rows)
                return Outcome(rows, count, new_id)
        except (DBAPIError, OSError) as exc:
            raise StorageError(f"cannot use the database {self._where}: {_problem(exc)}") from exc

    async def _dispose(self) -> None:
        await self._engine.dispose()
