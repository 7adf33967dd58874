"""Storage that cannot be used: one clear reason, nothing left running; read-only reports."""

from __future__ import annotations

import errno
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.storage import MissingDatabase, SqliteRepository, StorageError, migrations, sqlite


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


@pytest.mark.parametrize("kind", ["folder", "file in the path", "not a database"])
async def test_a_failed_open_says_why_and_leaves_no_worker(tmp_path: Path, kind: str) -> None:
    """The aiosqlite worker of a connection that could not open has ended by the time the
    error is raised (it used to report to a closed event loop: "Event loop is closed")."""
    if kind == "folder":
        path = tmp_path / "sellerbot.db"
        path.mkdir()
        reason = "is a folder, not a database file"
    elif kind == "file in the path":
        (tmp_path / "afile").write_text("x")
        path = tmp_path / "afile" / "data" / "sellerbot.db"
        reason = "afile is a file, not a folder"
    else:
        path = tmp_path / "sellerbot.db"
        path.write_bytes(b"no database here " * 200)
        reason = "not a SQLite database"
    before = set(_workers())
    with pytest.raises(StorageError, match=reason) as excinfo:
        await SqliteRepository.open(path)
    assert "\n" not in str(excinfo.value)
    started = [t for t in _workers() if t not in before]
    if kind == "not a database":  # opened, then closed: its worker is on its way out
        for t in started:
            t.join(5)
    assert [t for t in started if t.is_alive()] == []  # (a failed connect: already ended)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EACCES, "no permission"),
        (errno.EPERM, "no permission"),
        (errno.EROFS, "read-only file system"),
        (errno.ENOSPC, "no space left"),
    ],
)
def test_folder_problems_in_words(tmp_path: Path, code: int, says: str) -> None:
    assert says in sqlite._os_problem(tmp_path / "data", OSError(code, "raw"))


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database or disk is full", "no space left"),
        ("file is not a database", "not a SQLite database"),
    ],
)
def test_database_problems_in_words(tmp_path: Path, message: str, says: str) -> None:
    path = tmp_path / "sellerbot.db"
    path.write_bytes(b"")
    assert says in sqlite._db_problem(str(path), sqlite3.OperationalError(message))


async def test_read_only_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "data" / "sellerbot.db"
    with pytest.raises(MissingDatabase, match="no database"):
        await SqliteRepository.open(path, read_only=True)
    assert list(tmp_path.iterdir()) == []


async def test_read_only_reads_and_refuses_an_old_schema(tmp_path: Path) -> None:
    path = tmp_path / "sellerbot.db"
    repo = await SqliteRepository.open(path)
    await repo.record_question("console", None, "seller-cancel", "en")
    await repo.close()
    reader = await SqliteRepository.open(path, read_only=True)
    try:
        assert await reader.question_counts() == [("seller-cancel", "en", 1)]
        with pytest.raises(StorageError, match="read-only"):
            await reader.record_question("console", None, "seller-cancel", "en")
    finally:
        await reader.close()

    # while the bot has it open (its -wal file exists), a report sees what it wrote
    writer = await SqliteRepository.open(path)
    try:
        await writer.record_question("console", None, "completion-rate", "en")
        reader = await SqliteRepository.open(path, read_only=True)
        assert ("completion-rate", "en", 1) in await reader.question_counts()
        await reader.close()
    finally:
        await writer.close()

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StorageError, match=f"version {migrations.LATEST_VERSION}"):
        await SqliteRepository.open(old, read_only=True)
