"""Fixtures for the storage tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The project is not installed into the venv and pyproject sets no pytest ``pythonpath``, so
# make the repository root importable when ``bot`` is not (harmless once either is fixed).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bot.storage import SqliteRepository  # noqa: E402

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
