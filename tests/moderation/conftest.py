"""Fixtures for the moderation tests: a temporary repository (SQLite, or PostgreSQL: see
``tests/databases.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from databases import TestDatabases

from bot.storage.sql import SqlRepository


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sellerbot.db"


@pytest.fixture
async def repo(db_path: Path, databases: TestDatabases) -> AsyncIterator[SqlRepository]:
    async with await databases.open(db_path, salt="mod-salt") as repository:
        yield repository
