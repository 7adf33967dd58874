"""Fixtures for the storage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SqliteRepository

SALT = "test-pepper"


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
