"""Fixtures for the storage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pg import PostgresServer

from bot.storage import SqliteRepository

SALT = "test-pepper"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (fails, never skips, when missing)."""
    with PostgresServer() as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path inside a directory that does not exist yet."""
    return tmp_path / "data" / "sellerbot.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    """An open repository on a fresh file, closed after the test."""
    repository = await SqliteRepository.open(db_path, salt=SALT)
    try:
        yield repository
    finally:
        await repository.close()
