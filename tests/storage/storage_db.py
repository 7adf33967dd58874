"""The database a storage test runs on, SQLite or PostgreSQL, read engine-neutrally.

Tests read the stored rows through SQLAlchemy (never ``sqlite3`` on the file), so the same
assertion holds on both engines; :data:`sqlite_only` marks the few that test a property of the
SQLite file itself (WAL, the bytes on disk, ``PRAGMA user_version``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage import open_repository
from bot.storage.sql import SqlRepository
from bot.storage.url import postgres_url

#: The engines every storage test runs on (the ``engine`` fixture's parameters).
ENGINES = ("sqlite", "postgresql")
#: Run a test on SQLite only: it tests the file itself.
sqlite_only = pytest.mark.parametrize("engine", ["sqlite"])

DEFAULT_SALT = "test-pepper"


@dataclass(frozen=True)
class Database:
    """One test database: its engine, its storage URL, and its file on SQLite."""

    engine: str
    url: str
    path: Path | None = None

    async def open(self, salt: str = DEFAULT_SALT, **options: Any) -> SqlRepository:
        """The bot's repository on this database (``open_repository``)."""
        repo = await open_repository(self.url, salt=salt, **options)
        assert isinstance(repo, SqlRepository)
        return repo

    def _engine(self) -> AsyncEngine:
        if self.path is not None:
            return create_async_engine(f"sqlite+aiosqlite:///{self.path}")
        return create_async_engine(postgres_url(self.url))

    async def rows(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Every row a query returns, as tuples."""
        engine = self._engine()
        try:
            async with engine.connect() as conn:
                result = await conn.execute(text(sql), dict(params or {}))
                return [tuple(r) for r in result.fetchall()]
        finally:
            await engine.dispose()

    async def count(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """The one value of a one-row query, as an int."""
        [(value,)] = await self.rows(sql, params)
        return int(value)

    async def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        """Run one statement and commit it (a row as an earlier version stored it, say)."""
        engine = self._engine()
        try:
            async with engine.begin() as conn:
                await conn.execute(text(sql), dict(params or {}))
        finally:
            await engine.dispose()

    async def tables(self) -> set[str]:
        """The names of the tables in the database."""
        engine = self._engine()
        try:
            async with engine.connect() as conn:
                names = await conn.run_sync(lambda c: inspect(c).get_table_names())
                return set(names)
        finally:
            await engine.dispose()

    async def columns(self, table: str) -> set[str]:
        """The column names of one table."""
        engine = self._engine()
        try:
            async with engine.connect() as conn:
                cols = await conn.run_sync(lambda c: inspect(c).get_columns(table))
                return {str(c["name"]) for c in cols}
        finally:
            await engine.dispose()

    async def every_value(self) -> list[str]:
        """Every value of every row of every table, as text."""
        values: list[str] = []
        for table in sorted(await self.tables()):
            for row in await self.rows(f'SELECT * FROM "{table}"'):
                values += [str(v) for v in row]
        return values
