"""Schema version 3: notes, reminders, moderator log; upgrading a version 2 file keeps its rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest
from legacy_migrations import apply_migrations
from storage_db import Database

from bot.storage import SqliteRepository
from bot.storage.migrations import LATEST_VERSION
from bot.storage.sql import SqlRepository

T = "2024-01-01T00:00:00.000000+00:00"
T0 = datetime(2024, 6, 1, tzinfo=UTC)


async def test_v2_file_is_upgraded_to_3_and_keeps_its_rows(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await apply_migrations(conn, target=2) == 2
        await conn.execute(
            "INSERT INTO pins (platform, chat_id, message_id, situation, lang, content_version, "
            "pinned_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ("discord", "g1", "m1", "seller-cancel", "en", "v1", T, T),
        )
        await conn.execute(
            "INSERT INTO questions (platform, chat_id, situation, lang, asked_at) "
            "VALUES (?, ?, ?, ?, ?)",
            ("telegram", "-1", "seller-cancel", "id", T),
        )
        await conn.execute(
            "INSERT INTO community_settings (platform, chat_id, default_lang, updated_at) "
            "VALUES (?, ?, ?, ?)",
            ("telegram", "-1", "id", T),
        )
    with sqlite3.connect(db_path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == 2

    async with await SqliteRepository.open(db_path) as repo:
        assert LATEST_VERSION >= 3
        assert [p.message_id for p in await repo.list_pins("discord")] == ["m1"]
        assert await repo.question_counts("telegram", "-1") == [("seller-cancel", "id", 1)]
        settings = await repo.get_community("telegram", "-1")
        assert settings is not None and settings.default_lang == "id"
        await repo.set_note("telegram", "-1", "seller-cancel", "note", "5")
        rid = await repo.add_reminder(
            "telegram", "5", "-1", "buyer-cancel-request", "id", T0, T0 + timedelta(hours=1)
        )
        await repo.log_action("telegram", "-1", "5", "note.set", "x")
    with sqlite3.connect(db_path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"community_notes", "reminders", "moderator_actions"} <= tables
        # The note's author is stored hashed; the reminder keeps the raw id it must message.
        assert c.execute("SELECT author_hash FROM community_notes").fetchone()[0] != "5"
        assert c.execute("SELECT user_id FROM reminders WHERE id = ?", (rid,)).fetchone()[0] == "5"


async def test_reminder_rows(repo: SqlRepository) -> None:
    a = await repo.add_reminder("discord", "u", None, "s", "en", T0, T0 + timedelta(hours=2))
    b = await repo.add_reminder(
        "discord", "u", "g", "s", "nl", T0 + timedelta(hours=1), T0 + timedelta(hours=2),
        requested_at=T0 - timedelta(hours=10),
    )  # fmt: skip
    assert a < b
    assert [r.id for r in await repo.due_reminders(T0)] == [a]
    assert [r.id for r in await repo.due_reminders(T0 + timedelta(hours=1))] == [a, b]
    assert await repo.due_reminders(T0, platform="telegram") == []
    assert await repo.due_reminders(T0, limit=0) == []
    got = await repo.get_reminder(b)
    assert got is not None and got.requested_at == T0 - timedelta(hours=10)
    assert got.chat_id == "g" and got.status == "pending" and got.done_at is None
    assert await repo.mark_reminder_sent(a, T0) is True
    assert await repo.mark_reminder_sent(a, T0) is False  # sent once
    assert await repo.drop_reminder(a) is False
    assert await repo.count_reminder_attempt(b) == 1
    assert await repo.drop_reminder(b, T0, status="failed") is True
    assert await repo.cancel_reminder("discord", "u", b) is False  # no longer pending
    with pytest.raises(ValueError):
        await repo.drop_reminder(b, status="sent")
    assert await repo.list_reminders("discord", "u") == []
    assert await repo.get_reminder(999) is None
    with pytest.raises(ValueError):
        await repo.add_reminder("discord", "u", None, "s", "en", datetime(2024, 1, 1), T0)


async def test_note_upsert_keeps_one_row_and_created_time(
    repo: SqlRepository, db: Database
) -> None:
    await repo.set_note("discord", "g", "s", "one", "a", at=T0)
    await repo.set_note("discord", "g", "s", "two", "b", at=T0 + timedelta(days=1))
    (note,) = await repo.list_notes("discord", "g")
    assert note.text == "two" and note.updated_at == T0 + timedelta(days=1)
    rows = await db.rows("SELECT created_at FROM community_notes")
    assert len(rows) == 1 and rows[0][0].startswith("2024-06-01")
