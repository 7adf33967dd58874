"""Schema migrations: fresh databases, upgrades of old files, refusal of newer databases."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from legacy_migrations import apply_migrations
from pg import PostgresServer
from sqlalchemy.ext.asyncio import create_async_engine
from storage_db import Database

from bot.storage import (
    FeedbackSummary,
    SqliteRepository,
    StorageError,
    migrations,
    open_repository,
    tables,
)
from bot.storage.migrations import LATEST_VERSION
from bot.storage.url import postgres_url
from bot.storage.values import hash_member_id

LEGACY_FILE = Path(__file__).parent / "data" / "sellerbot-v3.db"

SALT = "old-salt"


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_revisions_are_ordered_and_at_least_two():
    script = migrations._script()
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert chain == [f"v{n}" for n in range(1, LATEST_VERSION + 1)]
    assert LATEST_VERSION >= 2


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


async def test_reopening_a_current_database_changes_nothing(db: Database):
    async with await db.open() as repo:
        await repo.record_question("console", None, None, "en")
    async with await db.open() as repo:
        assert await repo.question_counts() == [(None, "en", 1)]
    assert await db.rows("SELECT version_num FROM alembic_version") == [(f"v{LATEST_VERSION}",)]
    if db.path is not None:
        assert _user_version(db.path) == LATEST_VERSION


async def test_a_new_database_has_exactly_the_tables_the_code_defines(db: Database):
    """The migrations and bot/storage/tables.py describe the same schema, on each engine."""
    repo = await db.open()
    await repo.close()
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{db.path}" if db.path else postgres_url(db.url)
    )
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), tables.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_a_newer_database_is_refused_and_left_untouched(db: Database):
    repo = await db.open()
    await repo.record_question("console", None, None, "en")
    await repo.close()
    await db.execute(f"UPDATE alembic_version SET version_num = 'v{LATEST_VERSION + 1}'")
    with pytest.raises(StorageError, match=r"newer") as excinfo:
        await db.open()
    assert str(LATEST_VERSION + 1) in str(excinfo.value)
    assert await db.rows("SELECT version_num FROM alembic_version") == [(f"v{LATEST_VERSION + 1}",)]
    assert await db.count("SELECT COUNT(*) FROM questions") == 1


async def test_read_only_refuses_a_database_that_is_not_migrated(
    postgres: PostgresServer,
) -> None:
    url = postgres.create_database()
    with pytest.raises(StorageError, match=r"schema version 0; start the bot once"):
        await open_repository(url, read_only=True)
    assert (
        postgres.psql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            url.rsplit("/", 1)[1],
        )
        == "0"
    )


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


async def test_failing_migration_rolls_back_its_whole_step(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    async with await db.open() as repo:
        await repo.record_question("console", None, None, "en")

    revisions = tmp_path / "revisions"
    shutil.copytree(migrations.REVISIONS, revisions)
    (revisions / f"v{LATEST_VERSION + 1}_broken.py").write_text(
        f"""revision = "v{LATEST_VERSION + 1}"
down_revision = "v{LATEST_VERSION}"
from alembic import op
def upgrade():
    op.execute("CREATE TABLE half_done (x integer)")
    op.execute("ALTER TABLE nowhere ADD y integer")
"""
    )
    monkeypatch.setattr(migrations, "REVISIONS", revisions)
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(StorageError, match="nowhere"):
        await db.open()
    if db.path is not None:
        assert _user_version(db.path) == LATEST_VERSION
    assert await db.rows("SELECT version_num FROM alembic_version") == [(f"v{LATEST_VERSION}",)]
    assert "half_done" not in await db.tables()

    monkeypatch.undo()
    async with await db.open() as repo:
        assert await repo.question_counts() == [(None, "en", 1)]


async def test_a_file_made_before_alembic_upgrades_in_place_with_every_row(tmp_path: Path):
    """tests/storage/data/sellerbot-v3.db was written by the aiosqlite repository (schema 3,
    PRAGMA user_version only, salt "legacy-salt"): every row is found after the upgrade."""
    path = tmp_path / "copy.db"
    shutil.copy(LEGACY_FILE, path)
    with sqlite3.connect(path) as conn:
        columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in
                   sorted(_tables(path))}  # fmt: skip
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in
                  columns}  # fmt: skip
    async with await SqliteRepository.open(path, salt="legacy-salt") as repo:
        assert await repo.get_member_language("telegram", "42") == "id"
        assert await repo.get_member_language("discord", "7") == "nl"
        community = await repo.get_community("telegram", "-100")
        assert community is not None and community.default_lang == "id"
        assert await repo.question_counts("telegram") == [("seller-cancel", "id", 5)]
        assert await repo.feedback_summary() == [
            FeedbackSummary("completion-rate", "nl", 0, 1),
            FeedbackSummary("seller-cancel", "id", 1, 0),
        ]
        [pin] = await repo.list_pins("discord")
        assert (pin.message_id, pin.content_version) == ("m1", "v1")
        assert await repo.get_note("telegram", "-100", "seller-cancel") == "Ask the mods first ✓"
        [pending] = await repo.list_reminders("telegram", "42")
        assert pending.deadline_at == datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
        [action] = await repo.list_actions("telegram", "-100")
        assert action.action == "note.set"
        [unrouted] = await repo.unrouted_report()
        assert unrouted.text == "how do i withdraw? ✓ é"
    with sqlite3.connect(path) as conn:
        # the columns the file had (later schemas add some, empty on the rows it had)
        after = {t: conn.execute(f"SELECT {', '.join(c)} FROM {t} ORDER BY 1, 2").fetchall()
                 for t, c in columns.items()}  # fmt: skip
        assert conn.execute(
            "SELECT COUNT(*) FROM reminders WHERE claimed_by IS NOT NULL OR claimed_until "
            "IS NOT NULL"
        ).fetchone() == (0,)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (f"v{LATEST_VERSION}",)
        ]
    assert after == before
    assert _user_version(path) == LATEST_VERSION


async def test_unknown_target_version_is_refused(db_path: Path):
    async with await SqliteRepository.open(db_path) as repo:
        with pytest.raises(StorageError, match="unknown schema version"):
            await migrations.apply_migrations(repo._aconn, target=LATEST_VERSION + 1)


async def test_file_that_is_not_a_database_raises_storage_error(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database at all, just some text " * 100)
    with pytest.raises(StorageError, match=r"notes\.db"):
        await SqliteRepository.open(path)
