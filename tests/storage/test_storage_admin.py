"""``sellerbot db upgrade`` and ``sellerbot db copy``: migrate a database, move a deployment
from SQLite to PostgreSQL (and back) with every row."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from legacy_migrations import apply_migrations as legacy_apply
from pg import PostgresServer
from storage_db import Database

from bot.storage import StorageError, admin
from bot.storage.migrations import LATEST_VERSION
from bot.storage.postgres import PostgresRepository
from bot.storage.tables import ALL_TABLES

ROOT = Path(__file__).resolve().parents[2]
LEGACY_FILE = Path(__file__).parent / "data" / "sellerbot-v3.db"
LEGACY_SALT = "legacy-salt"
T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _db(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SELLERBOT_") and not k.endswith("_TOKEN")
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", *args],
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


async def _every_row(db: Database) -> dict[str, list[tuple[object, ...]]]:
    rows = {}
    for table in ALL_TABLES:
        order = ", ".join(c.name for c in table.primary_key.columns)
        rows[table.name] = await db.rows(f"SELECT * FROM {table.name} ORDER BY {order}")
    return rows


# -- upgrade -----------------------------------------------------------------------------------


def test_upgrade_the_configured_database_then_again(tmp_path: Path) -> None:
    first = _db("upgrade", cwd=tmp_path, SELLERBOT_DATA_DIR=str(tmp_path / "data"))
    assert first.returncode == 0, first.stderr
    where = tmp_path / "data" / "sellerbot.db"
    assert first.stdout == (
        f"{where}: at revision v{LATEST_VERSION} (upgraded from schema version 0)\n"
    )
    again = _db("upgrade", cwd=tmp_path, SELLERBOT_DATA_DIR=str(tmp_path / "data"))
    assert again.stdout == f"{where}: at revision v{LATEST_VERSION} (already up to date)\n"
    assert not (tmp_path / "data" / "hash-salt").exists()  # migrations need no salt


async def test_upgrade_an_old_file_named_by_url(tmp_path: Path) -> None:
    import aiosqlite

    path = tmp_path / "old.db"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await legacy_apply(conn, target=1) == 1
    done = _db("upgrade", f"sqlite:///{path}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"at revision v{LATEST_VERSION} (upgraded from schema version 1)" in done.stdout
    assert (
        await Database("sqlite", str(path), path).count("SELECT COUNT(*) FROM alembic_version") == 1
    )


def test_upgrade_a_postgresql_database(tmp_path: Path, postgres: PostgresServer) -> None:
    url = postgres.create_database()
    done = _db("upgrade", url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(f"at revision v{LATEST_VERSION} (upgraded from schema version 0)\n")
    assert postgres.psql("SELECT version_num FROM alembic_version", url.rsplit("/", 1)[1]) == (
        f"v{LATEST_VERSION}"
    )


def test_upgrade_errors_are_one_line(tmp_path: Path, postgres: PostgresServer) -> None:
    done = _db("upgrade", f"postgresql://bot:hunter2@127.0.0.1:{postgres.port}/nope", cwd=tmp_path)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("sellerbot db upgrade: cannot use the database") and "nope" in line
    assert "hunter2" not in line


# -- copy --------------------------------------------------------------------------------------


async def _a_busy_sqlite_deployment(tmp_path: Path) -> Database:
    """The file an earlier version made, opened by this one, with a row in every table."""
    path = tmp_path / "data" / "sellerbot.db"
    path.parent.mkdir()
    shutil.copy(LEGACY_FILE, path)
    source = Database("sqlite", str(path), path)
    repo = await source.open(salt=LEGACY_SALT)
    await repo.set_member_language("telegram", "43", "nl")
    await repo.set_community_language("discord", "g9", "en")
    await repo.take_lease("pins:discord", "worker-1", T0, timedelta(minutes=5))
    for n in range(3):
        await repo.record_question("discord", "g9", "completion-rate", "en", at=T0)
        await repo.record_unrouted("discord", "g9", f"question {n}", "en", at=T0)
        await repo.record_feedback(
            "discord", f"m{n}", f"g9:{n}", "completion-rate", "en", n != 1, chat_id="g9", at=T0
        )
    await repo.record_pin("telegram", "-100", "55", "seller-cancel", "id", "v2", at=T0)
    await repo.set_note("discord", "g9", "completion-rate", "Ask in #help", "7", at=T0)
    await repo.add_reminder(
        "discord", "7", "g9", "buyer-cancel-request", "en", T0, T0 + timedelta(days=2), T0
    )
    await repo.log_action("discord", "g9", "7", "note.set", "completion-rate", at=T0)
    await repo.add_dashboard_link("discord", "g9", "hash", T0 + timedelta(minutes=10), at=T0)
    await repo.keep_asked("0123456789ab", "discord", "g9", "my buyer", "en", None, at=T0)
    await repo.add_example("discord", "g9", "my buyer", "en", None, "unsure-choice", at=T0)
    await repo.add_router_model('{"classes": []}', {"after": {"right": 1}}, 1, 2, at=T0)
    await repo.close()
    rows = await _every_row(source)
    assert all(rows.values()), [t for t, r in rows.items() if not r]
    return source


async def test_copy_sqlite_to_postgresql_keeps_every_row(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    source = await _a_busy_sqlite_deployment(tmp_path)
    destination = Database("postgresql", postgres.create_database())
    before = await _every_row(source)

    done = _db("copy", f"sqlite:///{source.path}", destination.url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for table, rows in before.items():
        assert f"{table}: {len(rows)} rows" in lines
    total = sum(len(r) for r in before.values())
    assert lines[-1] == f"copied {total} rows in {len(before)} tables"

    assert await _every_row(destination) == before  # every row, ids kept
    assert await _every_row(source) == before  # the source is only read

    # The PostgreSQL repository reads the deployment back, with the same salt.
    repo = await destination.open(salt=LEGACY_SALT)
    assert isinstance(repo, PostgresRepository)
    try:
        assert await repo.get_member_language("telegram", "42") == "id"  # the old file's
        assert await repo.get_member_language("telegram", "43") == "nl"
        assert await repo.question_counts("discord") == [("completion-rate", "en", 3)]
        [summary] = await repo.feedback_summary("discord", "g9")
        assert (summary.helpful, summary.not_helpful) == (2, 1)
        assert await repo.get_note("discord", "g9", "completion-rate") == "Ask in #help"
        assert await repo.get_note("telegram", "-100", "seller-cancel") == "Ask the mods first ✓"
        [pending] = await repo.list_reminders("discord", "7")
        # The sequences follow the copied ids: new rows get the next ones.
        highest = max(r[0] for r in before["reminders"])
        new_id = await repo.add_reminder("discord", "7", None, "s", "en", T0, T0, T0)
        assert new_id == highest + 1 and pending.id <= highest
        await repo.log_action("discord", "g9", "7", "note.delete")
        actions = await repo.list_actions("discord", "g9")
        assert actions[0].id == max(r[0] for r in before["moderator_actions"]) + 1
        # A changed vote updates the copied row (same member, same answer: same hashes).
        await repo.record_feedback(
            "discord", "m1", "g9:1", "completion-rate", "en", True, chat_id="g9"
        )
        [summary] = await repo.feedback_summary("discord", "g9")
        assert (summary.helpful, summary.not_helpful) == (3, 0)
    finally:
        await repo.close()


async def test_copy_back_from_postgresql_to_a_new_sqlite_file(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    source = await _a_busy_sqlite_deployment(tmp_path)
    middle = postgres.create_database()
    await admin.copy(source.url, middle)
    back = tmp_path / "back" / "sellerbot.db"
    reported: list[tuple[str, int]] = []
    counts = await admin.copy(middle, str(back), report=lambda t, n: reported.append((t, n)))
    before = await _every_row(source)
    assert counts == {t: len(r) for t, r in before.items()} == dict(reported)
    assert await _every_row(Database("sqlite", str(back), back)) == before


async def test_copy_refuses_a_destination_that_holds_rows(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    source = await _a_busy_sqlite_deployment(tmp_path)
    destination = Database("postgresql", postgres.create_database())
    repo = await destination.open()
    await repo.record_question("telegram", None, None, "en")
    await repo.close()

    done = _db("copy", source.url, destination.url, cwd=tmp_path)
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("sellerbot db copy: the destination ")
    assert "is not empty: questions (1 rows)" in line and "nothing was changed" in line
    assert await destination.count("SELECT COUNT(*) FROM questions") == 1
    assert await destination.count("SELECT COUNT(*) FROM member_prefs") == 0


async def test_copy_refuses_a_source_that_is_not_migrated_or_missing(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    import aiosqlite

    old = tmp_path / "old.db"
    async with aiosqlite.connect(old, isolation_level=None) as conn:
        assert await legacy_apply(conn, target=1) == 1  # schema 1: upgrade it first
    destination = postgres.create_database()
    with pytest.raises(
        StorageError, match=r"version 1, not \d+: run sellerbot db upgrade .*old\.db first"
    ):
        await admin.copy(str(old), destination)
    assert (
        postgres.psql(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            destination.rsplit("/", 1)[1],
        )
        == "0"
    )  # refused before the destination was touched
    with pytest.raises(StorageError, match="there is no database at"):
        await admin.copy(str(tmp_path / "missing.db"), destination)
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(StorageError, match="in-memory"):
        await admin.copy(str(old), "sqlite:///:memory:")
