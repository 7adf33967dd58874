"""Which database the tests' storage lives on: SQLite by default, PostgreSQL on request.

The repository tests (``tests/storage``) run on both engines in every run. The fixtures of every
other test (the adapters', the moderators', the assistant's, the console's) open their storage
through the session's ``databases`` fixture (:class:`TestDatabases`), which follows
``SELLERBOT_TEST_DATABASE``:

    SELLERBOT_TEST_DATABASE=postgresql .venv/bin/pytest

runs them on a new database of the session's PostgreSQL server (``tests/pg.py``) instead of a
SQLite file. ``.ci/run`` runs the suite both ways.
"""

from __future__ import annotations

import os
from pathlib import Path

from pg import PostgresServer

from bot.storage import SqliteRepository
from bot.storage.sql import SqlRepository

ENGINE_ENV = "SELLERBOT_TEST_DATABASE"
ENGINES = ("sqlite", "postgresql")
#: PostgreSQL needs a salt; tests that pass none get this one there.
PG_SALT = "pg-test-salt"


def engine() -> str:
    """The engine the tests' storage uses (``sqlite`` unless ``SELLERBOT_TEST_DATABASE`` says).

    Raises:
        ValueError: For any other value.
    """
    value = os.environ.get(ENGINE_ENV, "sqlite").strip().lower() or "sqlite"
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV} is one of {', '.join(ENGINES)}; got {value!r}")
    return value


class TestDatabases:
    """Opens each test's storage: a SQLite file, or the session's PostgreSQL database, emptied
    when a test opens it under a new file path (a test that reopens its path, as a restarted
    bot does, finds its rows). Emptying one migrated database is much quicker than creating and
    migrating one per test."""

    __test__ = False  # not a test class

    def __init__(self, server: PostgresServer | None) -> None:
        self.server = server
        self._url: str | None = None
        self._path: str | None = None

    async def open(self, path: Path, salt: str = "") -> SqlRepository:
        if self.server is None:
            return await SqliteRepository.open(path, salt=salt)
        from bot.storage.postgres import PostgresRepository

        if self._url is None:
            self._url = self.server.create_database("suite")
        repo = await PostgresRepository.open(self._url, salt or PG_SALT)
        if str(path) != self._path:
            self._path = str(path)
            await _empty(repo)
        return repo


async def _empty(repo: SqlRepository) -> None:
    from sqlalchemy import text

    from bot.storage.tables import metadata

    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with repo.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
