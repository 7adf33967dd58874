"""Operations on a whole database, for ``sellerbot db``: migrate it, copy it to another.

``upgrade`` applies the migrations only (no data is rewritten, so no salt is needed); ``copy``
moves a deployment between engines (typically SQLite to PostgreSQL) row for row: every table,
ids kept, into an empty destination, in one transaction, then each PostgreSQL sequence set past
the highest id copied so new rows never collide.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, Select, Table, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.storage import migrations
from bot.storage.errors import StorageError
from bot.storage.postgres import make_engine
from bot.storage.sqlite import MEMORY
from bot.storage.tables import ALL_TABLES
from bot.storage.url import is_postgres, postgres_url, redact, sqlite_path

logger = logging.getLogger(__name__)

#: Rows read from the source and written to the destination at a time.
BATCH = 1000


@dataclass(frozen=True)
class Upgraded:
    """What ``upgrade`` did: the database, and its schema version before and after."""

    where: str
    before: int
    after: int

    @property
    def revision(self) -> str:
        """The Alembic revision the database is at (``v3``)."""
        return f"v{self.after}"


def _engine(url: str, *, create: bool, read_only: bool = False) -> tuple[AsyncEngine, str]:
    """An engine on the database ``url`` names, and how messages name it."""
    if is_postgres(url):
        return make_engine(url), redact(url.strip())
    path = sqlite_path(url)
    if path == MEMORY:
        raise StorageError("an in-memory database lives only inside one process; name a file")
    file = Path(path)
    if not create and not file.is_file():
        raise StorageError(f"there is no database at {path}")
    if create:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot use the data folder {file.parent}: {exc}") from exc
    if read_only:
        target = f"sqlite+aiosqlite:///{file.resolve().as_uri()}?mode=ro&uri=true"
    else:
        target = f"sqlite+aiosqlite:///{path}"
    return create_async_engine(target, isolation_level="AUTOCOMMIT"), path


def _problem(where: str, exc: BaseException) -> StorageError:
    problem = getattr(exc, "orig", None) or exc
    return StorageError(f"cannot use the database {where}: {' '.join(str(problem).split())}")


async def upgrade(url: str) -> Upgraded:
    """Apply every migration the database ``url`` names still needs (creating it if new).

    Raises:
        StorageError: The database cannot be reached or used, or is newer than this code.
    """
    engine, where = _engine(url, create=True)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # apply_migrations begins its transaction
                conn = await conn.execution_options(isolation_level="READ COMMITTED")
            before = await migrations.current_version(conn)
            await conn.commit()
            after = await migrations.apply_migrations(conn, where=where)
    except SQLAlchemyError as exc:
        raise _problem(where, exc) from exc
    except OSError as exc:
        raise _problem(where, exc) from exc
    finally:
        await engine.dispose()
    return Upgraded(where, before, after)


def _converter(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Values as the destination column types want them (SQLite may hold a number in a text
    column; PostgreSQL's driver takes exactly the declared type)."""
    integers = {c.name for c in table.columns if isinstance(c.type, Integer)}

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        return {
            k: v if v is None else (int(v) if k in integers else str(v)) for k, v in row.items()
        }

    return convert


def _setval(table: Table) -> Select[Any]:
    """Set ``table``'s id sequence so the next id follows the highest one there."""
    highest = select(func.max(table.c.id)).scalar_subquery()
    return select(
        func.setval(
            func.pg_get_serial_sequence(table.name, "id"),
            func.coalesce(highest, 1),
            highest.is_not(None),  # false on an empty table: the next id is 1
        )
    )


async def _count(conn: AsyncConnection, table: Table) -> int:
    return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def copy(
    source: str, destination: str, *, report: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Copy every row of every table from ``source`` into the empty database ``destination``.

    The destination is migrated to the latest schema first; the source must already be at it
    (``sellerbot db upgrade SOURCE``). Ids are kept, and on PostgreSQL every table's id
    sequence is set past the highest id copied. All in one transaction: a failure leaves the
    destination empty.

    Args:
        source: The storage URL to read (not changed).
        destination: The storage URL to write: a new or empty database.
        report: Called with each table's name and row count once it is copied.

    Returns:
        Rows copied per table.

    Raises:
        StorageError: Either database cannot be used, the source is not at the latest schema,
            or the destination already holds rows.
    """
    if is_postgres(destination):
        postgres_url(destination)  # a usable URL, before anything is read
    elif sqlite_path(destination) == MEMORY:
        raise StorageError("an in-memory database lives only inside one process; name a file")
    src, src_where = _engine(source, create=False, read_only=True)
    try:
        try:
            async with src.connect() as conn:
                version = await migrations.current_version(conn)
        except SQLAlchemyError as exc:
            raise _problem(src_where, exc) from exc
        migrations.check_not_newer(version, src_where)
        if version < migrations.LATEST_VERSION:
            raise StorageError(
                f"the source {src_where} has schema version {version}, not "
                f"{migrations.LATEST_VERSION}: run sellerbot db upgrade {source.strip()} first"
            )
        await upgrade(destination)
        dst, dst_where = _engine(destination, create=False)
        try:
            return await _copy_rows(src, src_where, dst, dst_where, report)
        finally:
            await dst.dispose()
    finally:
        await src.dispose()


async def _copy_rows(
    src: AsyncEngine,
    src_where: str,
    dst: AsyncEngine,
    dst_where: str,
    report: Callable[[str, int], None] | None,
) -> dict[str, int]:
    copied: dict[str, int] = {}
    where = src_where
    try:
        async with src.connect() as reader, dst.connect() as writer:
            if reader.dialect.name == "postgresql":  # one snapshot of every table
                reader = await reader.execution_options(isolation_level="REPEATABLE READ")
            writer = await writer.execution_options(isolation_level="SERIALIZABLE")
            async with reader.begin(), writer.begin():
                where = dst_where
                full = {t.name: n for t in ALL_TABLES if (n := await _count(writer, t))}
                if full:
                    rows = ", ".join(f"{name} ({n} rows)" for name, n in full.items())
                    raise StorageError(
                        f"the destination {dst_where} is not empty: {rows}. Copy into a new "
                        "or empty database; nothing was changed"
                    )
                for table in ALL_TABLES:
                    where = src_where
                    convert = _converter(table)
                    order = list(table.primary_key.columns)
                    result = await reader.stream(select(table).order_by(*order))
                    count = 0
                    async for batch in result.mappings().partitions(BATCH):
                        where = dst_where
                        await writer.execute(table.insert(), [convert(dict(r)) for r in batch])
                        count += len(batch)
                        where = src_where
                    where = dst_where
                    if writer.dialect.name == "postgresql" and "id" in table.c:
                        await writer.execute(_setval(table))
                    copied[table.name] = count
                    logger.info("copied %d rows of %s", count, table.name)
                    if report is not None:
                        report(table.name, count)
    except SQLAlchemyError as exc:
        raise _problem(where, exc) from exc
    except OSError as exc:
        raise _problem(where, exc) from exc
    return copied
