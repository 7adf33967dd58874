"""Deadline reminders: buttons under the cancel-request answer, a private message at the chosen
time (under a manual clock), /reminders to list and cancel, and storage that survives a restart
(late ones marked late, expired ones dropped)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from tg_fixtures import BOT_ID, START, SUPERGROUP, USERS, Feeder, callback_on, message_update
from tg_standin import TOKEN, BotApiStandIn

from bot.adapters.telegram.app import build_application
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.adapters.telegram.reminding import reminder_sender
from bot.adapters.telegram.run import serve
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant
from bot.config import load_settings
from bot.core.engine import default_core
from bot.moderation import ManualClock, ReminderService, tokens
from bot.moderation.reminders import CHOICES_HOURS, format_time
from bot.moderation.texts import text as mod_text
from bot.storage import SqliteRepository

SITI = USERS["id"]
SITI_USER = {"id": SITI, "is_bot": False, "first_name": "Siti", "language_code": "id"}
ALEX = {"id": USERS["en"], "is_bot": False, "first_name": "Alex", "language_code": "en"}


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        b["callback_data"]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


async def cancel_request_answer(feed: Feeder) -> dict[str, Any]:
    """Siti asks in private; the bot answers with the cancel-request guide."""
    await feed("private_text")
    return feed.last_message(SITI)


async def until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := check()):
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)
    return value


async def test_reminder_buttons_sit_under_the_cancel_request_answer_only(
    feed: Feeder, standin: BotApiStandIn
) -> None:
    answer = await cancel_request_answer(feed)
    data = buttons(answer)
    wanted = [tokens.remind("id", h, START) for h in CHOICES_HOURS]
    assert [d for d in data if d.split(":")[2] == "r"] == wanted
    assert all(len(d.encode()) <= 64 for d in data)
    assert data[-1].split(":")[2] == "f"  # feedback stays the last row
    await feed("private_start_deeplink")  # another situation: no reminder buttons
    assert not [d for d in buttons(feed.last_message(USERS["en"])) if ":r:" in d]
    # a pinned answer gets none either (it stays up for days)
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await feed("supergroup_pin")
    [pinned] = feed.calls("pinChatMessage")
    assert not [d for d in buttons(feed.message(SUPERGROUP, pinned["message_id"])) if ":r:" in d]


async def test_a_reminder_fires_at_the_chosen_time(
    feed: Feeder,
    standin: BotApiStandIn,
    repo: Any,
    clock: ManualClock,
    reminders: ReminderService,
) -> None:
    answer = await cancel_request_answer(feed)
    clock.advance(timedelta(minutes=30))  # pressed half an hour after the answer came
    await feed(callback_on(answer, tokens.remind("id", 12, START), SITI_USER, 1))
    [reminder] = await repo.list_reminders("telegram", str(SITI))
    assert reminder.remind_at == START + timedelta(hours=12)
    assert reminder.deadline_at == START + timedelta(hours=48)
    scheduled = mod_text("id", "reminder.scheduled", when=format_time(reminder.remind_at))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == scheduled
    confirmation = feed.last_message(SITI)
    assert confirmation["text"].startswith(scheduled)
    assert buttons(confirmation) == [tokens.cancel("id", reminder.id)]

    send = reminder_sender(feed.app.bot)
    standin.reset_calls()
    clock.set(START + timedelta(hours=12) - timedelta(seconds=1))
    assert (await reminders.run_due(send)).sent == 0
    assert feed.sent() == []
    clock.set(START + timedelta(hours=12))
    report = await reminders.run_due(send)
    assert (report.sent, report.late) == (1, 0)
    [dm] = feed.sent()
    assert int(dm["chat_id"]) == SITI
    deadline = format_time(START + timedelta(hours=48))
    assert feed.last_message(SITI)["text"] == mod_text("id", "reminder.message", deadline=deadline)
    clock.advance(timedelta(hours=1))
    assert (await reminders.run_due(send)).sent == 0  # sent once
    assert await repo.list_reminders("telegram", str(SITI)) == []


async def test_pressed_in_a_group_the_reminder_goes_to_a_private_chat(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    update = message_update(
        SUPERGROUP, ALEX, "@sellerbot_test_bot buyer wants to cancel", update_id=1
    )
    update["message"]["entities"] = [{"offset": 0, "length": 19, "type": "mention"}]
    await feed(update)
    answer = feed.last_message(SUPERGROUP)
    token = tokens.remind("en", 24, START)
    assert token in buttons(answer)
    await feed(callback_on(answer, token, ALEX, 2))
    [reminder] = await repo.list_reminders("telegram", str(USERS["en"]))
    assert reminder.chat_id == str(SUPERGROUP)
    assert [int(m["chat_id"]) for m in feed.sent()[-1:]] == [USERS["en"]]


async def test_a_member_who_never_started_the_bot_is_sent_to_start_it(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    standin.not_started.add(USERS["en"])
    update = message_update(
        SUPERGROUP, ALEX, "@sellerbot_test_bot buyer wants to cancel", update_id=1
    )
    update["message"]["entities"] = [{"offset": 0, "length": 19, "type": "mention"}]
    await feed(update)
    await feed(callback_on(feed.last_message(SUPERGROUP), tokens.remind("en", 12, START), ALEX, 2))
    answered = feed.calls("answerCallbackQuery")[-1]
    assert answered["text"] == text("en", "reminder.need_start")
    assert answered["url"] == "https://t.me/sellerbot_test_bot?start=reminders"
    assert await repo.list_reminders("telegram", str(USERS["en"])) == []


async def test_refusals_past_and_too_old_buttons(
    feed: Feeder, repo: Any, clock: ManualClock
) -> None:
    answer = await cancel_request_answer(feed)
    clock.advance(timedelta(hours=13))
    await feed(callback_on(answer, tokens.remind("id", 12, START), SITI_USER, 1))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("id", "reminder.past")
    clock.advance(timedelta(hours=40))
    await feed(callback_on(answer, tokens.remind("id", 46, START), SITI_USER, 2))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text(
        "id", "reminder.bad_request_time"
    )
    await feed(callback_on(answer, tokens.remind("id", 13, START), SITI_USER, 3))
    assert feed.calls("answerCallbackQuery")[-1]["text"].startswith(
        mod_text("id", "reminder.bad_choice", choices="")[:5]
    )
    assert await repo.list_reminders("telegram", str(SITI)) == []


async def test_members_list_and_cancel_their_own_reminders(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    answer = await cancel_request_answer(feed)
    for i, hours in enumerate((12, 36)):
        await feed(callback_on(answer, tokens.remind("id", hours, START), SITI_USER, 10 + i))
    first, second = await repo.list_reminders("telegram", str(SITI))
    await feed(message_update(SITI, SITI_USER, "/reminders", update_id=20))
    listing = feed.last_message(SITI)
    assert format_time(first.remind_at) in listing["text"]
    assert format_time(second.remind_at) in listing["text"]
    assert buttons(listing) == [tokens.cancel("id", first.id), tokens.cancel("id", second.id)]

    # someone else pressing (a forged) cancel: not theirs, nothing cancelled
    await feed(callback_on(listing, tokens.cancel("en", first.id), ALEX, 21))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("en", "reminder.not_found")
    assert len(await repo.list_reminders("telegram", str(SITI))) == 2

    await feed(callback_on(listing, tokens.cancel("id", first.id), SITI_USER, 22))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("id", "reminder.cancelled")
    assert [r.id for r in await repo.list_reminders("telegram", str(SITI))] == [second.id]
    edited = standin.messages[(SITI, listing["message_id"])]
    assert buttons(edited) == [tokens.cancel("id", second.id)]
    await feed(callback_on(listing, tokens.cancel("id", first.id), SITI_USER, 23))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("id", "reminder.not_found")

    await feed(callback_on(edited, tokens.cancel("id", second.id), SITI_USER, 24))
    await feed(message_update(SITI, SITI_USER, "/reminders", update_id=25))
    assert feed.last_message(SITI)["text"] == mod_text("id", "reminder.none")


async def run_until_sent(
    standin: BotApiStandIn, db: Path, clock: ManualClock, wait_for: Callable[[], Any]
) -> None:
    """A fresh process: new repository, reminder service and Application on the same file."""
    repo = await SqliteRepository.open(db, salt="tg-tests")
    try:
        service = ReminderService(repo, clock, platform="telegram", interval=0.05)
        app = build_application(
            Assistant(default_core(), repo, default_lang="en"),
            TOKEN,
            reminders=service,
            base_url=standin.base_url,
            rate_limiter=RetryingRateLimiter(backoff=0.01),
        )
        settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, settings, stop))
        await until(lambda: standin.calls_to("getUpdates"))
        await until(wait_for)
        stop.set()
        await asyncio.wait_for(task, 10)
        assert not service.running
    finally:
        await repo.close()


async def test_reminders_survive_a_restart_late_marked_expired_dropped(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    db = tmp_path / "restart.db"
    clock = ManualClock(START)
    # first process: Siti asks for reminders after 12 h and after 46 h, then the bot stops
    repo = await SqliteRepository.open(db, salt="tg-tests")
    service = ReminderService(repo, clock, platform="telegram")
    app = build_application(
        Assistant(default_core(), repo, default_lang="en"),
        TOKEN,
        reminders=service,
        base_url=standin.base_url,
    )
    await app.initialize()
    feed = Feeder(app, standin)
    app.bot_data["errors"] = []
    await feed("private_text")
    answer = feed.last_message(SITI)
    for i, hours in enumerate((12, 46)):
        await feed(callback_on(answer, tokens.remind("id", hours, START), SITI_USER, 30 + i))
    early, later = await repo.list_reminders("telegram", str(SITI))
    await app.shutdown()
    await repo.close()

    # down for 13 hours: at start-up the 12-hour one is sent, marked late; the other waits
    clock.set(START + timedelta(hours=13))
    standin.reset_calls()
    await run_until_sent(standin, db, clock, lambda: standin.private_messages(SITI))
    [dm] = standin.private_messages(SITI)
    deadline = format_time(START + timedelta(hours=48))
    assert dm["text"] == (
        f"{mod_text('id', 'reminder.message', deadline=deadline)}\n"
        f"{mod_text('id', 'reminder.late')}"
    )

    # down again until after the deadline: the 46-hour one is dropped, never sent
    clock.set(START + timedelta(hours=49))
    standin.reset_calls()
    repo = await SqliteRepository.open(db, salt="tg-tests")
    try:

        async def dropped() -> bool:
            r = await repo.get_reminder(later.id)
            return r is not None and r.status == "dropped"

        flag: list[bool] = []

        async def poll() -> None:
            while not flag:
                if await dropped():
                    flag.append(True)
                await asyncio.sleep(0.02)

        poller = asyncio.create_task(poll())
        await run_until_sent(standin, db, clock, lambda: flag)
        poller.cancel()
        assert standin.private_messages(SITI) == []
        first = await repo.get_reminder(early.id)
        assert first is not None and first.status == "sent"
    finally:
        await repo.close()
