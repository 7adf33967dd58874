"""Schema migrations: fresh files, upgrades of old files, refusal of newer files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import FeedbackSummary, SqliteRepository, StorageError, migrations
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS, Migration, apply_migrations
from bot.storage.values import hash_member_id

SALT = "old-salt"


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_migrations_are_ordered_and_at_least_two():
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert LATEST_VERSION == versions[-1] >= 2
    assert all(m.description and m.sql.strip() for m in MIGRATIONS)


def test_split_statements_respects_strings_and_blank_pieces():
    script = "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n\n;INSERT INTO t VALUES ('c;d');  "
    assert migrations.split_statements(script) == [
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "INSERT INTO t VALUES ('c;d');",
    ]
    with pytest.raises(StorageError, match="incomplete"):
        migrations.split_statements("CREATE TABLE t (x TEXT DEFAULT 'open")


async def test_fresh_file_gets_latest_schema_and_pragmas(db_path: Path):
    async with await SqliteRepository.open(db_path) as repo:
        conn = repo._conn  # the per-connection pragmas are only visible on the connection
        pragmas = {}
        for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
            async with conn.execute(f"PRAGMA {name}") as cursor:
                row = await cursor.fetchone()
                assert row is not None
                pragmas[name] = row[0]
    assert pragmas == {
        "journal_mode": "wal",
        "busy_timeout": 5000,
        "foreign_keys": 1,
        "synchronous": 1,
    }
    assert _user_version(db_path) == LATEST_VERSION
    assert {"member_prefs", "community_settings", "feedback", "questions", "unrouted", "pins"} <= (
        _tables(db_path)
    )


async def test_v1_file_is_upgraded_and_keeps_its_rows(
    db_path: Path, caplog: pytest.LogCaptureFixture
):
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await apply_migrations(conn, target=1) == 1
        user = hash_member_id(SALT, "telegram", "42")
        await conn.execute(
            "INSERT INTO member_prefs (platform, user_hash, lang, updated_at) VALUES (?, ?, ?, ?)",
            ("telegram", user, "id", "2024-01-01T00:00:00.000000+00:00"),
        )
        await conn.execute(
            "INSERT INTO community_settings (platform, chat_id, default_lang, updated_at) "
            "VALUES (?, ?, ?, ?)",
            ("discord", "g1", "nl", "2024-01-01T00:00:00.000000+00:00"),
        )
        await conn.execute(
            "INSERT INTO feedback (platform, user_hash, answer_ref, situation, lang, helpful, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "telegram",
                user,
                "c:1",
                "seller-cancel",
                "id",
                1,
                "2024-01-01T00:00:00.000000+00:00",
                "2024-01-01T00:00:00.000000+00:00",
            ),
        )
    assert _user_version(db_path) == 1
    assert "questions" not in _tables(db_path)

    caplog.set_level("INFO", logger="bot.storage.migrations")
    async with await SqliteRepository.open(db_path, salt=SALT) as repo:
        assert _user_version(db_path) == LATEST_VERSION
        assert await repo.get_member_language("telegram", "42") == "id"
        community = await repo.get_community("discord", "g1")
        assert community is not None and community.default_lang == "nl"
        assert await repo.feedback_summary() == [FeedbackSummary("seller-cancel", "id", 1, 0)]
        # The old vote is the same member's vote: changing it updates the old row.
        await repo.record_feedback(
            "telegram", "42", "c:1", "seller-cancel", "id", False, chat_id="c"
        )
        assert await repo.feedback_summary("telegram", "c") == [
            FeedbackSummary("seller-cancel", "id", 0, 1)
        ]
        await repo.record_question("telegram", None, "seller-cancel", "id")
        assert await repo.question_counts() == [("seller-cancel", "id", 1)]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 1
    assert any("schema version 2" in r.getMessage() for r in caplog.records)


async def test_reopening_a_current_file_changes_nothing(db_path: Path):
    async with await SqliteRepository.open(db_path) as repo:
        await repo.record_question("console", None, None, "en")
    async with await SqliteRepository.open(db_path) as repo:
        assert await repo.question_counts() == [(None, "en", 1)]
    assert _user_version(db_path) == LATEST_VERSION


async def test_newer_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future_things (x)")
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = path.read_bytes()

    with pytest.raises(StorageError, match=r"newer") as excinfo:
        await SqliteRepository.open(path)
    assert str(LATEST_VERSION + 1) in str(excinfo.value)
    assert path.read_bytes() == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    async with aiosqlite.connect(path, isolation_level=None) as conn:
        with pytest.raises(StorageError, match="newer"):
            await apply_migrations(conn)


async def test_failing_migration_rolls_back_its_whole_step(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    async with await SqliteRepository.open(db_path) as repo:
        await repo.record_question("console", None, None, "en")

    broken = Migration(
        LATEST_VERSION + 1, "broken", "CREATE TABLE half_done (x); ALTER TABLE nowhere ADD y;"
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(migrations, "LATEST_VERSION", broken.version)
    with pytest.raises(StorageError, match="nowhere"):
        await SqliteRepository.open(db_path)
    assert _user_version(db_path) == LATEST_VERSION
    assert "half_done" not in _tables(db_path)

    monkeypatch.undo()
    async with await SqliteRepository.open(db_path) as repo:
        assert await repo.question_counts() == [(None, "en", 1)]


async def test_unknown_target_version_is_refused(tmp_path: Path):
    async with aiosqlite.connect(tmp_path / "x.db", isolation_level=None) as conn:
        with pytest.raises(StorageError, match="unknown schema version"):
            await apply_migrations(conn, target=LATEST_VERSION + 1)


async def test_file_that_is_not_a_database_raises_storage_error(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database at all, just some text " * 100)
    with pytest.raises(StorageError, match=r"notes\.db"):
        await SqliteRepository.open(path)
