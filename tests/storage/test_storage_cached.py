"""The cached storage view the runner gives the adapters: fresh reads after own writes,
statistics batched in the background and never lost."""

from __future__ import annotations

import asyncio

from storage_db import Database

from bot.storage.cached import CachedPreferences


async def test_statistics_are_batched_and_flushed_without_loss(db: Database) -> None:
    store = await db.open()
    repo = CachedPreferences(store)
    calls = 0
    original = store.record_questions

    async def counting(rows: list) -> None:  # type: ignore[type-arg]
        nonlocal calls
        calls += 1
        await original(rows)

    store.record_questions = counting  # type: ignore[method-assign]
    await asyncio.gather(
        *(repo.record_question("discord", "g", "seller-cancel", "nl") for _ in range(300))
    )
    await repo.record_unrouted("discord", "g", "How do I   withdraw", "en")
    await repo.flush()
    assert sum(n for _, _, n in await store.question_counts("discord", "g")) == 300
    assert calls < 10  # hundreds of questions, a handful of round trips
    report = await store.unrouted_report("discord", "g")
    assert report[0].text == "how do i withdraw"
    await repo.close()  # flushes, then closes the real repository


async def test_own_writes_are_seen_at_once_and_reads_are_cached(db: Database) -> None:
    store = await db.open()
    repo = CachedPreferences(store, ttl=60)
    assert await repo.get_member_language("telegram", "1") is None
    await repo.set_member_language("telegram", "1", "id")
    assert await repo.get_member_language("telegram", "1") == "id"
    await store.set_member_language("telegram", "1", "nl")  # behind the cache's back
    assert await repo.get_member_language("telegram", "1") == "id"  # cached for ttl seconds
    await repo.close()


async def test_closing_writes_what_is_still_pending(db: Database) -> None:
    repo = CachedPreferences(await db.open())
    for _ in range(50):
        await repo.record_question("telegram", None, None, "en")
    await repo.close()
    again = await db.open()
    assert sum(n for _, _, n in await again.question_counts()) == 50
    await again.close()
