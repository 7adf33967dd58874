"""Living pins: only the bot's own recorded pins showing older content are planned and edited."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.moderation import pins
from bot.storage import PinRecord, SqliteRepository

SID = "buyer-cancel-request"


async def _seed(repo: SqliteRepository) -> None:
    await repo.record_pin("discord", "c1", "m-old", SID, "en", "v1")
    await repo.record_pin("discord", "c1", "m-new", SID, "en", "v2")
    await repo.record_pin("discord", "c2", "m-old2", "seller-cancel", "nl", "v1")
    await repo.record_pin("telegram", "c1", "m-tg", SID, "en", "v1")


async def test_plan_contains_only_older_versions_of_this_platform(repo: SqliteRepository) -> None:
    await _seed(repo)
    planned = await pins.plan_refresh(repo, "discord", "v2")
    assert [(p.chat_id, p.message_id) for p in planned] == [("c1", "m-old"), ("c2", "m-old2")]
    only_c1 = await pins.plan_refresh(repo, "discord", "v2", chat_id="c1")
    assert [p.message_id for p in only_c1] == ["m-old"]
    assert await pins.plan_refresh(repo, "discord", "v1") == [
        p for p in await repo.list_pins("discord") if p.message_id == "m-new"
    ]


async def test_refresh_edits_exactly_the_outdated_pins(repo: SqliteRepository) -> None:
    await _seed(repo)
    edited: list[str] = []

    async def edit(pin: PinRecord) -> pins.EditOutcome:
        edited.append(pin.message_id)
        return {"m-old": "edited", "m-old2": "gone"}.get(pin.message_id, "failed")  # type: ignore[return-value]

    report = await pins.refresh(repo, "discord", "v2", edit)
    assert report == pins.RefreshReport(edited=1, forgotten=1, failed=0)
    assert sorted(edited) == ["m-old", "m-old2"]  # never m-new, never the Telegram pin
    by_id = {p.message_id: p.content_version for p in await repo.list_pins("discord")}
    assert by_id == {"m-old": "v2", "m-new": "v2"}  # the deleted one is forgotten
    # Nothing left to do, and a gone pin is not retried.
    edited.clear()
    assert await pins.refresh(repo, "discord", "v2", edit) == pins.RefreshReport()
    assert edited == []
    assert [p.content_version for p in await repo.list_pins("telegram")] == ["v1"]


async def test_failed_edit_is_retried_next_time(repo: SqliteRepository) -> None:
    await repo.record_pin("telegram", "c", "m", SID, "en", "v1")

    async def fails(pin: PinRecord) -> pins.EditOutcome:
        raise RuntimeError("network")

    assert await pins.refresh(repo, "telegram", "v2", fails) == pins.RefreshReport(failed=1)
    assert [p.message_id for p in await pins.plan_refresh(repo, "telegram", "v2")] == ["m"]


async def test_note_change_makes_pins_in_that_community_outdated(repo: SqliteRepository) -> None:
    await repo.record_pin("discord", "c1", "m1", SID, "en", "v2")
    await repo.record_pin("discord", "c2", "m2", SID, "en", "v2")
    assert await pins.plan_refresh(repo, "discord", "v2") == []
    await repo.set_note("discord", "c1", SID, "ask in #help", "mod")
    planned = await pins.plan_refresh(repo, "discord", "v2")
    assert [p.message_id for p in planned] == ["m1"]
    assert await pins.mark_refreshed(repo, planned[0], pins.pin_version("v2", "ask in #help"))
    assert await pins.plan_refresh(repo, "discord", "v2") == []
    assert pins.pin_version("v2", None) == "v2" != pins.pin_version("v2", "x")


async def test_forget_deleted(repo: SqliteRepository) -> None:
    await repo.record_pin("discord", "c1", "m1", SID, "en", "v1")
    (pin,) = await repo.list_pins("discord")
    assert await pins.forget_deleted(repo, pin) is True
    assert await pins.forget_deleted(repo, pin) is False
    assert await pins.mark_refreshed(repo, pin, "v2") is False


async def test_two_processes_refreshing_at_once_edit_each_pin_once(db_path: Path) -> None:
    """Every process refreshes the pinned answers at start-up: one community's pins are
    refreshed by one of them (a lease in storage), so each outdated pin is edited once."""
    first = await SqliteRepository.open(db_path)
    second = await SqliteRepository.open(db_path)
    try:
        for n in range(6):
            await first.record_pin("discord", f"g{n % 3}", f"m{n}", SID, "en", "v1")
        edited: list[str] = []

        async def edit(pin: PinRecord) -> pins.EditOutcome:
            edited.append(pin.message_id)
            await asyncio.sleep(0.01)  # the two refreshes overlap
            return "edited"

        one, two = await asyncio.gather(
            pins.refresh(first, "discord", "v2", edit), pins.refresh(second, "discord", "v2", edit)
        )
        assert sorted(edited) == [f"m{n}" for n in range(6)]  # each once
        assert one.edited + two.edited == 6
    finally:
        await first.close()
        await second.close()


async def test_a_community_being_refreshed_elsewhere_is_waited_for_or_left(
    repo: SqliteRepository,
) -> None:
    await repo.record_pin("discord", "g1", "m1", SID, "en", "v1")
    edits: list[str] = []

    async def edit(pin: PinRecord) -> pins.EditOutcome:
        edits.append(pin.message_id)
        return "edited"

    now = datetime.now(UTC)
    assert await repo.take_lease("pins:discord:g1", "another-process", now, timedelta(minutes=1))
    assert await pins.refresh(repo, "discord", "v2", edit) == pins.RefreshReport()  # left to it
    assert edits == []

    async def other_finishes() -> None:
        await asyncio.sleep(0.3)
        await repo.release_lease("pins:discord:g1", "another-process")

    report, _ = await asyncio.gather(
        pins.refresh(repo, "discord", "v2", edit, "g1", wait=5.0), other_finishes()
    )
    assert report == pins.RefreshReport(edited=1) and edits == ["m1"]
