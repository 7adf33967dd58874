"""Fixtures for the moderation tests: a temporary SQLite repository and a fixed time."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bot.storage import SqliteRepository  # noqa: E402


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
