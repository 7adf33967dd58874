"""Storage URL parsing and open_repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg import PostgresServer

from bot.storage import SqliteRepository, StorageError, open_repository
from bot.storage.postgres import PostgresRepository
from bot.storage.url import is_postgres, postgres_url, sqlite_path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("data/sellerbot.db", "data/sellerbot.db"),
        ("/var/lib/sellerbot/bot.db", "/var/lib/sellerbot/bot.db"),
        ("  data/bot.db  ", "data/bot.db"),
        ("sqlite:///data/sellerbot.db", "data/sellerbot.db"),
        ("sqlite:////var/lib/sellerbot/bot.db", "/var/lib/sellerbot/bot.db"),
        ("SQLite:///data/bot.db", "data/bot.db"),
        ("sqlite:///:memory:", ":memory:"),
        (":memory:", ":memory:"),
        ("C:\\sellerbot\\bot.db", "C:\\sellerbot\\bot.db"),
    ],
)
def test_sqlite_path_accepts(url: str, expected: str):
    assert sqlite_path(url) == expected


def test_plain_path_expands_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert sqlite_path("~/bot.db") == str(tmp_path / "bot.db")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://bot:secret@db.example/sellerbot", "bot:secret@db.example/sellerbot"),
        ("postgres://bot@localhost/sellerbot", "bot@localhost/sellerbot"),
        ("postgresql+asyncpg://bot@localhost:5433/sellerbot", "bot@localhost:5433/sellerbot"),
        ("  PostgreSQL://bot@localhost/sellerbot ", "bot@localhost/sellerbot"),
    ],
)
def test_postgres_urls_name_the_asyncpg_driver(url: str, expected: str):
    assert is_postgres(url)
    assert postgres_url(url) == f"postgresql+asyncpg://{expected}"
    with pytest.raises(StorageError, match="is a PostgreSQL URL") as excinfo:
        sqlite_path(url)
    assert "secret" not in str(excinfo.value)


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg2://bot:secret@localhost/db", "postgresql://", "postgres:///"]
)
def test_unusable_postgres_urls_say_the_form(url: str):
    with pytest.raises(StorageError, match=r"postgresql://user:password@host:port/database") as e:
        postgres_url(url)
    assert "secret" not in str(e.value)


def test_sqlite_urls_are_not_postgres():
    assert not is_postgres("sqlite:///data/bot.db")
    assert not is_postgres("data/postgresql.db")
    assert not is_postgres("C:\\postgres\\bot.db")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "mysql://bot:secret@localhost/sellerbot",
        "sqlite://relative.db",
        "sqlite:///",
        "sqlite:bot.db",
        "sqlite:///bot.db?mode=ro",
        "file:bot.db",
        "https://example.com/bot.db",
    ],
)
def test_other_urls_name_the_accepted_forms(url: str):
    with pytest.raises(StorageError, match=r"sqlite:///relative/path\.db") as excinfo:
        sqlite_path(url)
    assert "sqlite:////absolute/path.db" in str(excinfo.value)
    assert "secret" not in str(excinfo.value)


async def test_open_repository_relative_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    repo = await open_repository("sqlite:///state/nested/bot.db", salt="s")
    async with repo:
        assert isinstance(repo, SqliteRepository)
        await repo.set_member_language("console", "me", "nl")
        assert await repo.get_member_language("console", "me") == "nl"
    assert (tmp_path / "state" / "nested" / "bot.db").is_file()


async def test_open_repository_absolute_url_and_plain_path(tmp_path: Path):
    absolute = tmp_path / "abs" / "bot.db"
    url = f"sqlite:///{absolute}"
    assert url.startswith("sqlite:////")
    async with await open_repository(url) as repo:
        await repo.record_question("console", None, None, "en")
    async with await open_repository(str(absolute)) as repo:
        assert await repo.question_counts() == [(None, "en", 1)]


async def test_open_repository_in_memory():
    async with await open_repository("sqlite:///:memory:") as repo:
        await repo.set_community_language("console", "c", "id")
        settings = await repo.get_community("console", "c")
        assert settings is not None and settings.default_lang == "id"


async def test_open_repository_errors():
    with pytest.raises(StorageError, match="unsupported storage URL"):
        await open_repository("redis://localhost")


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+asyncpg"])
async def test_open_repository_on_postgresql(postgres: PostgresServer, scheme: str):
    url = postgres.create_database().replace("postgresql://", f"{scheme}://", 1)
    async with await open_repository(url, salt="s") as repo:
        assert isinstance(repo, PostgresRepository)
        await repo.set_member_language("telegram", "42", "nl")
    async with await open_repository(url, salt="s", read_only=True) as again:
        assert await again.get_member_language("telegram", "42") == "nl"


async def test_postgresql_that_cannot_be_reached_says_where_without_the_password(
    postgres: PostgresServer,
):
    # a port nothing listens on (the server's own port, plus one, is free of PostgreSQL)
    url = f"postgresql://bot:hunter2@127.0.0.1:{postgres.port + 1}/sellerbot"
    with pytest.raises(StorageError, match=r"cannot use the database") as excinfo:
        await open_repository(url, salt="s")
    assert "hunter2" not in str(excinfo.value)
    assert "bot:***@127.0.0.1" in str(excinfo.value)


async def test_postgresql_database_that_does_not_exist(postgres: PostgresServer):
    url = postgres.url("no_such_database")
    with pytest.raises(StorageError, match="no_such_database"):
        await open_repository(url, salt="s")
