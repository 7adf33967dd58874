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


async def test_kept_questions_are_batched_and_a_pick_waits_for_its_own(db: Database) -> None:
    """Questions kept for members' picks go with the statistics (no write on the reply path);
    a lookup of one still queued writes the batch first, so a quick pick is never lost."""
    store = await db.open()
    repo = CachedPreferences(store, batch_delay=30.0)  # nothing is written unless asked
    writes = 0
    original = store.keep_asked_many

    async def counting(rows: list) -> None:  # type: ignore[type-arg]
        nonlocal writes
        writes += 1
        await original(rows)

    store.keep_asked_many = counting  # type: ignore[method-assign]
    await asyncio.gather(
        *(
            repo.keep_asked(f"ref{i:03}", "telegram", "-100", f"q {i}", "en", None)
            for i in range(50)
        )
    )
    assert writes == 0 and await store.get_asked("ref007") is None  # still queued
    kept = await repo.get_asked("ref007")  # waits for the batch, then reads it
    assert kept is not None and kept.text == "q 7" and writes == 1
    assert await repo.mark_asked_unhelpful("ref008")
    assert (await store.get_asked("ref049")) is not None  # all 50 in one write
    await repo.keep_asked("late", "telegram", None, "another", "nl", "seller-cancel")
    assert await repo.mark_asked_unhelpful("late") and writes == 2
    assert not await repo.mark_asked_unhelpful("never-kept")
    await repo.close()
