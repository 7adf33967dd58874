"""Concurrent writers, in one repository and across several on the same database, lose
nothing: on SQLite (several connections on one file) and on PostgreSQL (several processes)."""

from __future__ import annotations

import asyncio
import contextlib

from storage_db import Database

from bot.storage import FeedbackSummary
from bot.storage.sql import SqlRepository


async def test_many_tasks_through_one_repository(repo: SqlRepository, db: Database):
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
    assert await db.count("SELECT COUNT(*) FROM questions") == 200
    assert await db.count("SELECT COUNT(*) FROM feedback") == 200


async def test_several_repositories_on_one_database(db: Database):
    # Opened at the same time on a new database: the migrations race too.
    repos = await asyncio.gather(*(db.open(salt="s") for _ in range(4)))
    try:

        async def write(index: int, repo: SqlRepository) -> None:
            for n in range(100):
                await repo.record_question("discord", f"guild-{index}", f"situation-{n % 3}", "en")

        async def vote(repo: SqlRepository, helpful: bool) -> None:
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

    assert await db.count("SELECT COUNT(*) FROM questions") == 400
    assert await db.count("SELECT COUNT(*) FROM feedback") == 1
    assert await db.count("SELECT COUNT(*) FROM alembic_version") == 1


async def test_a_cancelled_caller_leaves_the_repository_usable(repo: SqlRepository):
    """A task cancelled mid-statement (a stopping background job) must not break the next
    statement: on SQLite the one connection stayed invalid until this was fixed."""
    for delay in range(30):
        task = asyncio.create_task(repo.record_question("telegram", None, None, "en"))
        await asyncio.sleep(0.0001 * delay)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await repo.question_counts()  # still works
    [(_, _, recorded)] = await repo.question_counts()
    assert 0 <= recorded <= 30
    await repo.record_question("telegram", None, None, "en")
    assert (await repo.question_counts())[0][2] == recorded + 1
