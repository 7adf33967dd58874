"""Fixtures for the storage tests: every repository test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pg import PostgresServer
from storage_db import DEFAULT_SALT, ENGINES, Database

from bot.storage.sql import SqlRepository

SALT = DEFAULT_SALT


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path inside a directory that does not exist yet."""
    return tmp_path / "data" / "sellerbot.db"


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine the test runs on (``storage_db.sqlite_only`` narrows it to SQLite)."""
    return str(request.param)


@pytest.fixture
def db(engine: str, db_path: Path, request: pytest.FixtureRequest) -> Database:
    """A new, empty database on the test's engine: a SQLite file that does not exist yet, or
    a new database on the session's PostgreSQL server."""
    if engine == "sqlite":
        return Database("sqlite", str(db_path), db_path)
    server: PostgresServer = request.getfixturevalue("postgres")
    return Database("postgresql", server.create_database())


@pytest.fixture
async def repo(db: Database) -> AsyncIterator[SqlRepository]:
    """An open repository on a fresh database, closed after the test."""
    repository = await db.open(SALT)
    try:
        yield repository
    finally:
        await repository.close()
