"""Concurrent writers, in one repository and across several on the same file, lose nothing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.storage import FeedbackSummary, SqliteRepository


def _count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(sql).fetchone()[0])


async def test_many_tasks_through_one_repository(repo: SqliteRepository, db_path: Path):
    questions = [
        repo.record_question("telegram", f"chat-{n % 7}", "seller-cancel", "id") for n in range(200)
    ]
    votes = [
        repo.record_feedback(
            "telegram", f"member-{n}", "chat-1:99", "seller-cancel", "id", n % 4 != 0
        )
        for n in range(200)
    ]
    await asyncio.gather(*questions, *votes)

    assert await repo.question_counts() == [("seller-cancel", "id", 200)]
    assert await repo.feedback_summary() == [FeedbackSummary("seller-cancel", "id", 150, 50)]
    assert _count(db_path, "SELECT COUNT(*) FROM questions") == 200
    assert _count(db_path, "SELECT COUNT(*) FROM feedback") == 200


async def test_several_repositories_on_one_file(db_path: Path):
    # Opened at the same time on a new file: the migrations race too.
    repos = await asyncio.gather(*(SqliteRepository.open(db_path, salt="s") for _ in range(4)))
    try:

        async def write(index: int, repo: SqliteRepository) -> None:
            for n in range(100):
                await repo.record_question("discord", f"guild-{index}", f"situation-{n % 3}", "en")

        async def vote(repo: SqliteRepository, helpful: bool) -> None:
            # The same member voting on the same answer from every process: still one row.
            await repo.record_feedback("discord", "member", "g:1", "seller-cancel", "en", helpful)

        await asyncio.gather(
            *(write(i, r) for i, r in enumerate(repos)),
            *(vote(r, i % 2 == 0) for i, r in enumerate(repos)),
        )
        for index in range(4):
            counts = await repos[0].question_counts("discord", f"guild-{index}")
            assert sum(n for _, _, n in counts) == 100
    finally:
        for repo in repos:
            await repo.close()

    assert _count(db_path, "SELECT COUNT(*) FROM questions") == 400
    assert _count(db_path, "SELECT COUNT(*) FROM feedback") == 1
