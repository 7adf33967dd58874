"""Deadline reminders: buttons under the cancel-request guide, DMs on time, across restarts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dc_factory as factory
import pytest
from dc_harness import ephemeral, reply, sent, start_bot
from dc_mod import forged, text_of
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot
from bot.assistant import Assistant
from bot.core.catalogs import shared
from bot.moderation import tokens
from bot.moderation.reminders import ManualClock
from bot.storage import SqliteRepository

MEMBER = factory.MEMBER_ID
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def rbot(
    standin: StandIn, assistant: Assistant, clock: ManualClock
) -> AsyncIterator[SellerBot]:
    client = await start_bot(assistant, clock=clock, reminder_interval=3600)
    try:
        yield client
    finally:
        await client.close()


def late_text(lang: str) -> str:
    return shared().gettext(lang, "mod.reminder.late")


async def _ask_for_reminder(
    bot: SellerBot, inject: Any, standin: StandIn, hours: int, locale: str = "en-US"
) -> dict[str, Any]:
    guide = await sent(
        bot,
        inject,
        standin,
        factory.slash("guide", {"situation": "buyer-cancel-request"}, locale=locale),
    )
    assert guide["flags"] & 64
    remind = [i for i in factory.custom_ids(guide) if ":r:" in i]
    lang = {"en-US": "en", "nl": "nl", "id": "id"}[locale]
    assert remind == [tokens.remind(lang, h, START) for h in (12, 24, 36, 46)]
    return await sent(
        bot, inject, standin, factory.component(guide, tokens.remind(lang, hours, START))
    )


def _reminders_sent(standin: StandIn) -> list[dict[str, Any]]:
    """The reminders among the member's DMs (each names its deadline; the confirmation sent
    when a reminder is asked for does not)."""
    return [dm for dm in standin.dms_to(MEMBER) if "<t:" in dm["content"]]


async def _wait_for_dms(standin: StandIn, count: int) -> list[dict[str, Any]]:
    for _ in range(200):
        if len(_reminders_sent(standin)) >= count:
            break
        await asyncio.sleep(0.01)
    return _reminders_sent(standin)


async def test_reminder_fires_at_the_chosen_time(
    rbot: SellerBot, inject: Any, standin: StandIn, clock: ManualClock, repo: SqliteRepository
) -> None:
    confirm = await _ask_for_reminder(rbot, inject, standin, 12)
    assert "2026-11-20 21:00 UTC" in text_of(confirm).replace("\\", "")
    (pending,) = await repo.list_reminders("discord", str(MEMBER))
    assert factory.custom_ids(confirm) == [tokens.cancel("en", pending.id)]
    (confirmed,) = standin.dms_to(MEMBER)  # the DM works: checked while the member is here
    assert "2026-11-20 21:00 UTC" in confirmed["content"].replace("\\", "")
    assert pending.remind_at == START + timedelta(hours=12)
    assert pending.deadline_at == START + timedelta(hours=48)
    assert pending.chat_id == str(factory.GUILD_ID)
    clock.advance(timedelta(hours=11, minutes=59))
    assert (await rbot.reminders.run_due(rbot.desk.deliver)).sent == 0
    assert not _reminders_sent(standin)
    clock.advance(timedelta(minutes=1))
    report = await rbot.reminders.run_due(rbot.desk.deliver)
    assert (report.sent, report.late) == (1, 0)
    (dm,) = _reminders_sent(standin)
    assert "cancellation request" in dm["content"] and late_text("en") not in dm["content"]
    assert f"<t:{int((START + timedelta(hours=48)).timestamp())}:F>" in dm["content"]
    assert not await repo.list_reminders("discord", str(MEMBER))
    assert (await rbot.reminders.run_due(rbot.desk.deliver)).sent == 0  # only once


async def test_reminders_survive_a_restart_and_are_marked_late(
    standin: StandIn,
    inject: Any,
    assistant: Assistant,
    clock: ManualClock,
    repo: SqliteRepository,
) -> None:
    first = await start_bot(assistant, clock=clock, reminder_interval=3600)
    await _ask_for_reminder(first, inject, standin, 12, locale="nl")
    await _ask_for_reminder(first, inject, standin, 24, locale="nl")
    await first.close()
    clock.advance(timedelta(hours=13))  # the bot was down when the 12-hour one fell due
    second = await start_bot(assistant, clock=clock, reminder_interval=3600)
    try:
        (dm,) = await _wait_for_dms(standin, 1)
        assert late_text("nl") in dm["content"].replace("\\", "")
        # the DM arrives before the reminder is marked sent: wait for that too
        for _ in range(200):
            left_now = await repo.list_reminders("discord", str(MEMBER))
            if len(left_now) == 1:
                break
            await asyncio.sleep(0.01)
        (left,) = left_now
        assert left.remind_at == START + timedelta(hours=24)
        clock.advance(timedelta(hours=11))
        second.reminders.poke()
        dms = await _wait_for_dms(standin, 2)
        assert len(dms) == 2 and late_text("nl") not in dms[1]["content"]
    finally:
        await second.close()


async def test_reminder_past_its_deadline_is_dropped(
    standin: StandIn,
    inject: Any,
    assistant: Assistant,
    clock: ManualClock,
    repo: SqliteRepository,
) -> None:
    first = await start_bot(assistant, clock=clock, reminder_interval=3600)
    await _ask_for_reminder(first, inject, standin, 46)
    await first.close()
    clock.advance(timedelta(hours=49))
    second = await start_bot(assistant, clock=clock, reminder_interval=3600)
    try:
        report = await second.reminders.run_due(second.desk.deliver)  # after the start-up run
        assert report.sent == 0
        assert not _reminders_sent(standin)
        assert not await repo.list_reminders("discord", str(MEMBER))
    finally:
        await second.close()


async def test_members_list_and_cancel_only_their_own(
    rbot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    await _ask_for_reminder(rbot, inject, standin, 24)
    (mine,) = await repo.list_reminders("discord", str(MEMBER))
    listing = await sent(
        rbot, inject, standin, factory.slash("reminders", where="dm", user_id=MEMBER)
    )
    assert ephemeral(listing) and f"<t:{int(mine.remind_at.timestamp())}:f>" in text_of(listing)
    cancel = tokens.cancel("en", mine.id)
    assert factory.custom_ids(listing) == [cancel]
    # Someone else presses (or forges) the cancel button: nothing happens to the reminder.
    _, data = reply(
        await inject(rbot, factory.component(listing, cancel, user_id=800000000000000042))
    )
    assert "no such reminder" in text_of(data)
    assert len(await repo.list_reminders("discord", str(MEMBER))) == 1
    _, data = reply(await inject(rbot, factory.component(listing, cancel)))
    assert "cancelled" in text_of(data)
    assert not await repo.list_reminders("discord", str(MEMBER))
    _, data = reply(await inject(rbot, factory.slash("reminders")))
    assert "no reminders" in text_of(data)


async def test_stale_or_forged_remind_buttons_are_refused(
    rbot: SellerBot, inject: Any, standin: StandIn, clock: ManualClock, repo: SqliteRepository
) -> None:
    guide = await sent(
        rbot, inject, standin, factory.slash("guide", {"situation": "buyer-cancel-request"})
    )
    clock.advance(timedelta(hours=13))
    _, data = reply(await inject(rbot, factory.component(guide, tokens.remind("en", 12, START))))
    assert "already passed" in text_of(data)
    _, data = reply(await inject(rbot, forged(guide, tokens.remind("en", 5, START))))
    assert "Choose one of" in text_of(data)
    assert not await repo.list_reminders("discord", str(MEMBER))


async def test_closed_dms_are_retried_then_given_up(
    rbot: SellerBot, inject: Any, standin: StandIn, clock: ManualClock, repo: SqliteRepository
) -> None:
    await _ask_for_reminder(rbot, inject, standin, 12)
    standin.dms_closed.add(MEMBER)
    clock.advance(timedelta(hours=12))
    for _ in range(2):
        assert (await rbot.reminders.run_due(rbot.desk.deliver)).retrying == 1
    assert (await rbot.reminders.run_due(rbot.desk.deliver)).failed == 1
    assert not await repo.list_reminders("discord", str(MEMBER))


async def test_no_remind_buttons_on_public_or_other_guides(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    other = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    assert not [i for i in factory.custom_ids(other) if ":r:" in i]
    share = next(
        i
        for i in factory.custom_ids(
            await sent(
                bot, inject, standin, factory.slash("guide", {"situation": "buyer-cancel-request"})
            )
        )
        if i.startswith("sbd1:share:")
    )
    guide = await sent(
        bot, inject, standin, factory.slash("guide", {"situation": "buyer-cancel-request"})
    )
    public = await sent(bot, inject, standin, factory.component(guide, share))
    assert not public["flags"] & 64
    assert not [i for i in factory.custom_ids(public) if ":r:" in i]


async def test_remind_buttons_are_dated_to_the_current_minute(
    rbot: SellerBot, inject: Any, standin: StandIn, clock: ManualClock
) -> None:
    """The buttons are made once a minute (and reused within it), never left on an old time."""

    async def remind_ids() -> list[str]:
        guide = await sent(
            rbot, inject, standin, factory.slash("guide", {"situation": "buyer-cancel-request"})
        )
        return [i for i in factory.custom_ids(guide) if ":r:" in i]

    first = await remind_ids()
    assert first == await remind_ids() == [tokens.remind("en", h, START) for h in (12, 24, 36, 46)]
    clock.advance(timedelta(seconds=61))
    later = START + timedelta(minutes=1)
    assert await remind_ids() == [tokens.remind("en", h, later) for h in (12, 24, 36, 46)]


async def test_closed_dms_are_said_at_once_and_nothing_is_kept(
    rbot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    standin.dms_closed.add(MEMBER)
    guide = await sent(
        rbot, inject, standin, factory.slash("guide", {"situation": "buyer-cancel-request"})
    )
    _, data = reply(await inject(rbot, factory.component(guide, tokens.remind("en", 12, START))))
    assert "can't send you direct messages" in text_of(data)
    assert not await repo.list_reminders("discord", str(MEMBER))  # no promise left to break
    standin.dms_closed.discard(MEMBER)
    _, data = reply(await inject(rbot, factory.component(guide, tokens.remind("en", 12, START))))
    assert "remind" in text_of(data).lower()
    assert len(await repo.list_reminders("discord", str(MEMBER))) == 1
