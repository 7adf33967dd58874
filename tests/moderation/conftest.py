"""Fixtures for the moderation tests: a temporary SQLite repository and a fixed time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SqliteRepository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sellerbot.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[SqliteRepository]:
    repository = await SqliteRepository.open(db_path, salt="mod-salt")
    try:
        yield repository
    finally:
        await repository.close()
