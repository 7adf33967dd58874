"""Deadline reminders under a controllable clock: timing, restarts, late, dropped, cancel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.moderation import tokens
from bot.moderation.refusals import ReminderRefused
from bot.moderation.reminders import (
    ManualClock,
    ReminderService,
    RunReport,
    parse_choice,
    reminder_text,
)
from bot.storage import Reminder, SqliteRepository

T0 = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


class Outbox:
    """Stands in for the adapter's direct-message sender."""

    def __init__(self, ok: bool = True) -> None:
        self.sent: list[tuple[Reminder, bool]] = []
        self.ok = ok

    async def __call__(self, reminder: Reminder, late: bool) -> bool:
        self.sent.append((reminder, late))
        return self.ok


def test_choices_are_validated() -> None:
    assert parse_choice("12h") == 12 * H
    assert parse_choice(" 46 ") == 46 * H
    assert parse_choice(24) == 24 * H
    assert parse_choice(timedelta(hours=36)) == 36 * H
    for bad in ("13h", "48h", "-12h", "h", "", "12.5h", timedelta(hours=12, minutes=1)):
        assert parse_choice(bad) is None


async def test_schedule_refuses_clearly(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    svc = ReminderService(repo, clock)
    with pytest.raises(ReminderRefused) as refused:
        await svc.schedule("telegram", "1", "13h", lang="en")
    assert refused.value.code == "bad_choice"
    assert "12h, 24h, 36h, 46h" in refused.value.message("id")
    # The request was 13 hours ago: 12 hours after it has passed.
    with pytest.raises(ReminderRefused) as refused:
        await svc.schedule("telegram", "1", "12h", lang="en", requested_at=T0 - 13 * H)
    assert refused.value == ReminderRefused("past")
    for when in (T0 - 48 * H, T0 + 2 * H):
        with pytest.raises(ReminderRefused) as refused:
            await svc.schedule("telegram", "1", "12h", lang="en", requested_at=when)
        assert refused.value == ReminderRefused("bad_request_time")
    for hours in (12, 24, 36, 46, 12):
        assert isinstance(await svc.schedule("telegram", "1", hours, lang="en"), Reminder)
    with pytest.raises(ReminderRefused) as refused:
        await svc.schedule("telegram", "1", "24h", lang="en")
    assert refused.value.code == "too_many" and "5" in refused.value.message("en")
    listed = await svc.pending("telegram", "1")
    assert [r.remind_at - T0 for r in listed] == [12 * H, 12 * H, 24 * H, 36 * H, 46 * H]
    assert all(r.deadline_at == T0 + 48 * H for r in listed)


async def test_fires_at_the_right_time_once(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    svc = ReminderService(repo, clock)
    out = Outbox()
    r = await svc.schedule("discord", "42", "12h", lang="nl", chat_id="g1")
    assert isinstance(r, Reminder) and r.remind_at == T0 + 12 * H
    clock.set(T0 + 12 * H - timedelta(seconds=1))
    assert await svc.run_due(out) == RunReport()
    clock.advance(timedelta(seconds=1))
    assert await svc.run_due(out) == RunReport(sent=1)
    assert [(x.id, x.user_id, late) for x, late in out.sent] == [(r.id, "42", False)]
    assert "herinnering" in reminder_text(out.sent[0][0], False).lower()
    clock.advance(H)
    assert await svc.run_due(out) == RunReport()
    assert len(out.sent) == 1
    stored = await repo.get_reminder(r.id)
    assert stored is not None and stored.status == "sent" and stored.done_at == T0 + 12 * H
    assert await svc.pending("discord", "42") == []


async def test_survives_restart_late_and_expired(db_path: Path) -> None:
    first = await SqliteRepository.open(db_path)
    svc = ReminderService(first, ManualClock(T0))
    on_time = await svc.schedule("telegram", "7", "12h", lang="en")
    later = await svc.schedule("telegram", "7", "36h", lang="id")
    # Due in an hour; its deadline falls 13 hours from now.
    old = await svc.schedule("telegram", "8", "36h", lang="en", requested_at=T0 - 35 * H)
    assert all(isinstance(x, Reminder) for x in (on_time, later, old))
    await first.close()  # the bot goes down

    # Back up 14 hours later: the 12 h one fell due while down; the old one is past deadline.
    second = await SqliteRepository.open(db_path)
    clock = ManualClock(T0 + 14 * H)
    svc2 = ReminderService(second, clock)
    out = Outbox()
    assert await svc2.run_due(out) == RunReport(sent=1, late=1, dropped=1)
    assert [(r.user_id, late) for r, late in out.sent] == [("7", True)]
    assert "offline" in reminder_text(out.sent[0][0], True)
    assert isinstance(old, Reminder)
    dropped = await second.get_reminder(old.id)
    assert dropped is not None and dropped.status == "dropped"
    # The 36 h one is still pending after the restart, and fires on time.
    assert [r.remind_at for r in await svc2.pending("telegram", "7")] == [T0 + 36 * H]
    clock.set(T0 + 36 * H)
    assert await svc2.run_due(out) == RunReport(sent=1)
    assert out.sent[-1][1] is False and out.sent[-1][0].lang == "id"
    await second.close()


async def test_cancel_only_by_owner(repo: SqliteRepository) -> None:
    svc = ReminderService(repo, ManualClock(T0))
    r = await svc.schedule("discord", "owner", "24h", lang="en")
    assert isinstance(r, Reminder)
    assert await svc.cancel("discord", "intruder", r.id) is False
    assert await svc.cancel("telegram", "owner", r.id) is False  # same id, other platform
    assert [x.id for x in await svc.pending("discord", "owner")] == [r.id]
    assert await svc.cancel("discord", "owner", r.id) is True
    assert await svc.cancel("discord", "owner", r.id) is False
    assert await svc.pending("discord", "owner") == []
    svc.clock = ManualClock(T0 + 30 * H)
    out = Outbox()
    assert await svc.run_due(out) == RunReport() and out.sent == []


async def test_failed_deliveries_retry_then_give_up(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    svc = ReminderService(repo, clock, max_attempts=3)
    r = await svc.schedule("telegram", "9", "12h", lang="en")
    assert isinstance(r, Reminder)
    clock.set(T0 + 12 * H)

    async def boom(reminder: Reminder, late: bool) -> bool:
        raise RuntimeError("blocked by the member")

    assert await svc.run_due(Outbox(ok=False)) == RunReport(retrying=1)
    assert await svc.run_due(boom) == RunReport(retrying=1)
    assert await svc.run_due(Outbox(ok=False)) == RunReport(failed=1)
    stored = await repo.get_reminder(r.id)
    assert stored is not None and stored.status == "failed" and stored.attempts == 3
    assert await svc.run_due(Outbox()) == RunReport()


async def test_each_platform_sends_only_its_own(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    tg = ReminderService(repo, clock, platform="telegram")
    await tg.schedule("telegram", "1", "12h", lang="en")
    await tg.schedule("discord", "1", "12h", lang="en")
    clock.set(T0 + 12 * H)
    out = Outbox()
    assert await tg.run_due(out) == RunReport(sent=1)
    assert [r.platform for r, _ in out.sent] == ["telegram"]
    assert len(await repo.due_reminders(clock.now(), "discord")) == 1


async def test_background_loop_sends_and_stops(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    svc = ReminderService(repo, clock, interval=0.01)
    await svc.schedule("discord", "5", "24h", lang="en")
    out = Outbox()
    svc.start(out)
    assert svc.running and svc.start(out) is svc.start(out)
    await asyncio.sleep(0.05)
    assert out.sent == []
    clock.advance(24 * H)
    svc.poke()
    for _ in range(100):
        if out.sent:
            break
        await asyncio.sleep(0.01)
    assert [(r.user_id, late) for r, late in out.sent] == [("5", False)]
    await svc.stop()
    assert not svc.running
    await svc.stop()  # twice is fine


async def test_loop_runs_at_start_up_and_survives_errors(repo: SqliteRepository) -> None:
    clock = ManualClock(T0)
    svc = ReminderService(repo, clock, interval=3600)
    await svc.schedule("discord", "5", "12h", lang="en")
    clock.advance(13 * H)
    out = Outbox()
    svc.start(out)  # the first run happens at once, not after the interval
    for _ in range(100):
        if out.sent:
            break
        await asyncio.sleep(0.01)
    assert [(r.user_id, late) for r, late in out.sent] == [("5", True)]
    await svc.stop()


def test_tokens_round_trip_and_reject_forgeries() -> None:
    token = tokens.remind("id", 46, T0)
    assert len(token.encode()) <= 64
    assert tokens.parse(token) == tokens.RemindToken("id", 46, T0)
    assert tokens.parse(tokens.cancel("en", 123)) == tokens.CancelToken("en", 123)
    mod = tokens.moderator("nl", "pin-rm", "1234567890123456789")
    assert tokens.parse(mod) == tokens.ModToken("nl", "pin-rm", "1234567890123456789")
    for forged in ("sb1:en:r:12", "sb1:en:x:abc", "sb1:en:m:drop-table.x", "sb1:en:s:x",
                   "sb1:en:r:12." + "9" * 60, "", None):  # fmt: skip
        assert tokens.parse(forged) is None


async def test_two_processes_send_each_due_reminder_exactly_once(db_path: Path) -> None:
    """Two bot processes on one database (each its own connection and service): their runs
    overlap, each reminder goes out once; one whose delivery failed is tried again next run."""
    first = await SqliteRepository.open(db_path)
    second = await SqliteRepository.open(db_path)
    try:
        clock = ManualClock(T0)
        a = ReminderService(first, clock, owner="worker-1")
        b = ReminderService(second, clock, owner="worker-2")
        ids = {(await a.schedule("telegram", str(u), "12h", lang="en")).id for u in range(40)}
        clock.advance(12 * H)

        class Slow(Outbox):  # each delivery takes a moment: the two runs interleave
            async def __call__(self, reminder: Reminder, late: bool) -> bool:
                await asyncio.sleep(0.001)
                return await super().__call__(reminder, late)

        out_a, out_b = Slow(), Slow()
        await asyncio.gather(a.run_due(out_a), b.run_due(out_b))
        sent = [r.id for r, _ in out_a.sent + out_b.sent]
        assert sorted(sent) == sorted(ids)  # every one, none twice

        failing = await a.schedule("telegram", "99", "12h", lang="en")
        clock.advance(12 * H)
        assert await a.run_due(Outbox(ok=False)) == RunReport(retrying=1)
        retry = Outbox()
        assert await b.run_due(retry) == RunReport(sent=1)  # the claim was given back
        assert [r.id for r, _ in retry.sent] == [failing.id]
    finally:
        await first.close()
        await second.close()
