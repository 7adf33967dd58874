"""Leases: background work one process of a deployment does at a time, on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.sql import SqlRepository

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def test_one_holder_at_a_time_until_it_gives_back_or_expires(repo: SqlRepository) -> None:
    assert await repo.take_lease("pins:telegram", "a", T0, 5 * MINUTE)
    assert not await repo.take_lease("pins:telegram", "b", T0 + MINUTE, 5 * MINUTE)
    assert await repo.take_lease("pins:discord", "b", T0 + MINUTE, 5 * MINUTE)  # another one
    assert await repo.take_lease("pins:telegram", "a", T0 + MINUTE, 5 * MINUTE)  # renewed
    assert not await repo.take_lease("pins:telegram", "b", T0 + 5 * MINUTE, MINUTE)
    assert await repo.take_lease("pins:telegram", "b", T0 + 7 * MINUTE, MINUTE)  # expired
    assert not await repo.release_lease("pins:telegram", "a")  # no longer a's
    assert await repo.release_lease("pins:telegram", "b")
    assert await repo.take_lease("pins:telegram", "c", T0 + 7 * MINUTE, MINUTE)
    with pytest.raises(ValueError):
        await repo.take_lease("x", "a", T0, timedelta(0))


async def test_of_many_taking_at_once_exactly_one_holds_it(repo: SqlRepository) -> None:
    taken = await asyncio.gather(
        *(repo.take_lease("pins:discord", f"worker-{i}", T0, MINUTE) for i in range(12))
    )
    assert sum(taken) == 1
