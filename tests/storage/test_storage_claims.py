"""Reminders claimed atomically: each due reminder goes to one process of a deployment, on
SQLite and on PostgreSQL, whatever the number of processes claiming at once."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from storage_db import Database

from bot.storage.sql import SqlRepository

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
LEASE = timedelta(minutes=5)


async def _add(repo: SqlRepository, n: int, platform: str = "telegram", at: datetime = T0) -> int:
    return await repo.add_reminder(
        platform, f"member-{n}", None, "buyer-cancel-request", "en", at, at + timedelta(days=2), at
    )


async def test_a_due_reminder_is_claimed_once_until_its_lease_ends(repo: SqlRepository):
    first = await _add(repo, 1)
    second = await _add(repo, 2, at=T0 + timedelta(minutes=1))
    await _add(repo, 3, at=T0 + timedelta(hours=1))  # not due yet
    await _add(repo, 4, platform="discord")

    claimed = await repo.claim_due_reminders(T0 + timedelta(minutes=1), "telegram", "a", LEASE)
    assert [r.id for r in claimed] == [first, second]  # earliest first
    assert all(r.status == "pending" for r in claimed)
    later = T0 + timedelta(minutes=2)
    assert await repo.claim_due_reminders(later, "telegram", "b", LEASE) == []
    assert await repo.claim_due_reminders(later, "telegram", "a", LEASE) == []  # even by a

    # a sent one is never claimed again; one whose claimer died is, after the lease
    assert await repo.mark_reminder_sent(first, later)
    expired = T0 + timedelta(minutes=1) + LEASE + timedelta(seconds=1)
    [again] = await repo.claim_due_reminders(expired, "telegram", "b", LEASE)
    assert again.id == second
    [discord] = await repo.claim_due_reminders(expired, None, "c", LEASE)  # every platform
    assert discord.platform == "discord"
    rows = await repo.due_reminders(expired)  # claims do not hide reminders from reports
    assert {r.id for r in rows} == {second, discord.id}


async def test_limit_and_bad_arguments(repo: SqlRepository):
    ids = [await _add(repo, n, at=T0 + timedelta(seconds=n)) for n in range(5)]
    now = T0 + timedelta(minutes=1)
    assert [r.id for r in await repo.claim_due_reminders(now, None, "a", LEASE, 2)] == ids[:2]
    assert [r.id for r in await repo.claim_due_reminders(now, None, "b", LEASE, 2)] == ids[2:4]
    assert await repo.claim_due_reminders(now, None, "c", LEASE, 0) == []
    with pytest.raises(ValueError, match="lease"):
        await repo.claim_due_reminders(now, None, "c", timedelta(0))
    with pytest.raises(ValueError, match="timezone-aware"):
        await repo.claim_due_reminders(datetime(2026, 11, 2), None, "c", LEASE)


async def test_concurrent_claimers_never_share_a_reminder(db: Database):
    """Four processes (each its own repository and connections) claim 300 due reminders in
    small batches at once: every reminder is claimed exactly once."""
    repos = [await db.open() for _ in range(4)]
    try:
        ids = [await _add(repos[0], n, at=T0 + timedelta(seconds=n % 50)) for n in range(300)]
        now = T0 + timedelta(minutes=5)

        async def claimer(repo: SqlRepository, name: str) -> list[int]:
            mine: list[int] = []
            while batch := await repo.claim_due_reminders(now, "telegram", name, LEASE, 7):
                mine += [r.id for r in batch]
                await asyncio.sleep(0)
            return mine

        claims = await asyncio.gather(*(claimer(r, f"p{i}") for i, r in enumerate(repos)))
    finally:
        for repo in repos:
            await repo.close()
    everything = [i for mine in claims for i in mine]
    assert sorted(everything) == sorted(ids)  # none twice, none missed
    assert sum(1 for mine in claims if mine) >= 2, [len(m) for m in claims]
    owners = await db.rows("SELECT claimed_by, COUNT(*) FROM reminders GROUP BY claimed_by")
    assert {owner: n for owner, n in owners} == {
        f"p{i}": len(mine) for i, mine in enumerate(claims) if mine
    }


CLAIMER = """
import asyncio, json, sys
from datetime import datetime, timedelta
from bot.storage import open_repository

async def main(url, name, now):
    repo = await open_repository(url, salt="test-pepper")
    print("ready", flush=True)
    sys.stdin.readline()  # every process starts claiming at once
    mine = []
    while batch := await repo.claim_due_reminders(now, None, name, timedelta(minutes=5), 5):
        mine += [r.id for r in batch]
    await repo.close()
    print(json.dumps(mine))

asyncio.run(main(sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])))
"""


async def test_claimer_processes_never_share_a_reminder(db: Database):
    """Three operating-system processes claiming at once, as a deployment's workers do."""
    repo = await db.open()
    ids = [await _add(repo, n) for n in range(240)]
    await repo.close()
    now = (T0 + timedelta(minutes=1)).isoformat()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLAIMER,
            db.url,
            f"proc-{i}",
            now,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for i in range(3)
    ]
    for p in procs:
        assert p.stdout is not None
        assert await asyncio.wait_for(p.stdout.readline(), 60) == b"ready\n"
    outputs = await asyncio.gather(*(p.communicate(b"go\n") for p in procs))
    assert [p.returncode for p in procs] == [0, 0, 0]
    claims = [json.loads(out) for out, _ in outputs]
    assert sorted(i for mine in claims for i in mine) == sorted(ids)  # none twice, none missed
    assert sum(1 for mine in claims if mine) >= 2, [len(mine) for mine in claims]


async def test_a_claim_is_renewed_only_by_its_owner_while_pending(repo: SqlRepository):
    rid = await _add(repo, 1)
    now = T0 + timedelta(minutes=1)
    [claimed] = await repo.claim_due_reminders(now, None, "a", LEASE)
    assert claimed.id == rid
    # past the first lease, but renewed by its owner first: nobody else can claim it
    late = now + LEASE + timedelta(seconds=1)
    assert await repo.renew_reminder_claim(rid, "a", late - timedelta(seconds=2), LEASE)
    assert await repo.claim_due_reminders(late, None, "b", LEASE) == []
    # once another process holds it, the old owner cannot take it back
    taken = late + LEASE
    [again] = await repo.claim_due_reminders(taken, None, "b", LEASE)
    assert again.id == rid
    assert not await repo.renew_reminder_claim(rid, "a", taken, LEASE)
    assert await repo.renew_reminder_claim(rid, "b", taken, LEASE)
    assert await repo.mark_reminder_sent(rid, taken)
    assert not await repo.renew_reminder_claim(rid, "b", taken, LEASE)  # sent: not pending
