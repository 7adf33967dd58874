"""Living pins: outdated pinned answers are edited in place, gone ones forgotten, nothing else
touched; /pins lists them, /unpin and the unpin buttons remove one."""

from __future__ import annotations

import asyncio
from typing import Any

from tg_fixtures import BOT_ID, GROUP, SUPERGROUP, USERS, Feeder, callback_on, message_update
from tg_standin import TOKEN, BotApiStandIn, chat_json

from bot.adapters.telegram.app import build_application, handlers_of
from bot.adapters.telegram.livepins import refresh_all
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.adapters.telegram.run import serve
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant
from bot.config import load_settings
from bot.moderation import tokens
from bot.moderation.pins import pin_version
from bot.moderation.texts import text as mod_text

ADMIN = {"id": USERS["nl"], "is_bot": False, "first_name": "Sanne", "language_code": "nl"}
MEMBER = {"id": USERS["en"], "is_bot": False, "first_name": "Alex", "language_code": "en"}
OLD = "0ld-version"
UNTOUCHED = ("pinChatMessage", "unpinChatMessage", "deleteMessage", "sendMessage")


def admins(standin: BotApiStandIn, *chats: int) -> None:
    for chat in chats:
        standin.make_admin(chat, USERS["nl"])
        standin.make_admin(chat, BOT_ID, can_pin_messages=True)


async def pin(feed: Feeder, chat: int, situation: str, update_id: int) -> int:
    """Pin an answer as the administrator; returns the pinned message's id."""
    before = len(feed.calls("pinChatMessage"))
    await feed(message_update(chat, ADMIN, f"/pin {situation}", update_id=update_id))
    calls = feed.calls("pinChatMessage")
    assert len(calls) == before + 1
    return int(calls[-1]["message_id"])


async def outdate(repo: Any, chat: int, message_id: int) -> None:
    """As if the pin was recorded under an older content version."""
    assert await repo.update_pin_version("telegram", str(chat), str(message_id), OLD)


async def test_a_content_change_edits_exactly_the_bots_outdated_pins(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    admins(standin, SUPERGROUP, GROUP)
    old_a = await pin(feed, SUPERGROUP, "buyer-cancel-request", 1)
    current_b = await pin(feed, SUPERGROUP, "seller-cancel", 2)
    old_c = await pin(feed, GROUP, "general-advice", 3)
    await feed("group_mention")  # an ordinary answer of the bot's: never touched
    answer = feed.last_message(SUPERGROUP)
    for chat, mid in ((SUPERGROUP, old_a), (GROUP, old_c)):
        await outdate(repo, chat, mid)
        standin.messages[(chat, mid)]["text"] = "old guidance"
    before = {k: dict(v) for k, v in standin.messages.items()}
    standin.reset_calls()

    report = await refresh_all(assistant, handlers_of(feed.app).render, feed.app.bot)

    assert (report.edited, report.forgotten, report.failed) == (2, 0, 0)
    edits = feed.calls("editMessageText")
    assert sorted((int(e["chat_id"]), int(e["message_id"])) for e in edits) == sorted(
        [(SUPERGROUP, old_a), (GROUP, old_c)]
    )
    for method in UNTOUCHED:
        assert feed.calls(method) == [], method
    # edited in place, showing the current guide, still pinned
    title = assistant.core.t("nl", "buyer-cancel-request.title")
    assert title in standin.messages[(SUPERGROUP, old_a)]["text"]
    assert (SUPERGROUP, old_a) in standin.pinned and (GROUP, old_c) in standin.pinned
    # every other message is exactly as it was
    for key in (SUPERGROUP, current_b), (SUPERGROUP, answer["message_id"]):
        assert standin.messages[key] == before[key]
    versions = {p.message_id: p.content_version for p in await repo.list_pins("telegram")}
    assert set(versions.values()) == {assistant.core.content_version}

    standin.reset_calls()
    report = await refresh_all(assistant, handlers_of(feed.app).render, feed.app.bot)
    assert report.edited == 0 and feed.calls("editMessageText") == []


async def test_start_up_refreshes_the_pins(
    standin: BotApiStandIn, repo: Any, assistant: Assistant, reminders: Any
) -> None:
    """serve() edits outdated pins at start-up, in the background while it takes updates."""
    standin.messages[(SUPERGROUP, 77)] = {
        "message_id": 77,
        "text": "old",
        "from": standin.me,
        "chat": chat_json(SUPERGROUP),
        "date": 1763790000,
    }
    standin.pinned.append((SUPERGROUP, 77))
    await repo.record_pin("telegram", str(SUPERGROUP), "77", "seller-cancel", "id", OLD)
    app = build_application(
        assistant,
        TOKEN,
        reminders=reminders,
        base_url=standin.base_url,
        rate_limiter=RetryingRateLimiter(backoff=0.01),
    )
    settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop))
    for _ in range(500):  # edited, and recorded as current (a stop before that edits again)
        records = await repo.list_pins("telegram")
        if standin.calls_to("editMessageText") and records[0].content_version != OLD:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 10)
    [edit] = standin.calls_to("editMessageText")
    assert (int(edit["chat_id"]), int(edit["message_id"])) == (SUPERGROUP, 77)
    assert (
        assistant.core.t("id", "seller-cancel.title") in standin.messages[(SUPERGROUP, 77)]["text"]
    )
    [record] = await repo.list_pins("telegram")
    assert record.content_version == assistant.core.content_version


async def test_a_hand_deleted_pin_is_forgotten_not_retried(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    admins(standin, SUPERGROUP)
    gone = await pin(feed, SUPERGROUP, "buyer-cancel-request", 1)
    kept = await pin(feed, SUPERGROUP, "seller-cancel", 2)
    await outdate(repo, SUPERGROUP, gone)
    standin.delete_by_hand(SUPERGROUP, gone)
    standin.reset_calls()

    report = await refresh_all(assistant, handlers_of(feed.app).render, feed.app.bot)
    assert (report.edited, report.forgotten) == (0, 1)
    assert [p.message_id for p in await repo.list_pins("telegram")] == [str(kept)]
    standin.reset_calls()
    await refresh_all(assistant, handlers_of(feed.app).render, feed.app.bot)
    assert feed.calls("editMessageText") == []


async def test_refresh_command_for_one_chat_is_logged_and_admins_only(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    admins(standin, SUPERGROUP, GROUP)
    here = await pin(feed, SUPERGROUP, "seller-cancel", 1)
    there = await pin(feed, GROUP, "seller-cancel", 2)
    await outdate(repo, SUPERGROUP, here)
    await outdate(repo, GROUP, there)
    standin.reset_calls()

    await feed(message_update(SUPERGROUP, MEMBER, "/refreshpins", update_id=3))
    assert feed.sent()[-1]["text"] == mod_text("en", "refusal.not_moderator")
    assert feed.calls("editMessageText") == []

    await feed(message_update(SUPERGROUP, ADMIN, "/refreshpins", update_id=4))
    [edit] = feed.calls("editMessageText")
    assert int(edit["message_id"]) == here
    assert feed.sent()[-1]["text"] == mod_text(
        "nl", "pins.refreshed", edited=1, forgotten=0, failed=0
    )
    [entry] = [
        a
        for a in await repo.list_actions("telegram", str(SUPERGROUP))
        if a.action == "pins.refresh"
    ]
    assert entry.actor_id == str(USERS["nl"])
    versions = {p.chat_id: p.content_version for p in await repo.list_pins("telegram")}
    assert versions[str(GROUP)] == OLD  # the other group waits for its own refresh


async def test_pins_list_and_unpin_buttons(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    admins(standin, SUPERGROUP)
    first = await pin(feed, SUPERGROUP, "buyer-cancel-request", 1)
    second = await pin(feed, SUPERGROUP, "seller-cancel en", 2)  # an English guide
    await outdate(repo, SUPERGROUP, second)
    standin.reset_calls()

    await feed(message_update(SUPERGROUP, ADMIN, "/pins", update_id=3))
    listing = feed.last_message(SUPERGROUP)
    html = listing["html"]
    # each pin's language, named in the reader's language (Dutch here)
    assert " · Nederlands · " in listing["text"] and " · Engels · " in listing["text"]
    assert f'href="https://t.me/sellerslounge/{first}"' in html
    assert mod_text("nl", "pins.outdated") in listing["text"]
    assert mod_text("nl", "pins.current") in listing["text"]
    data = [b["callback_data"] for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert tokens.moderator("nl", "pin-rm", str(first)) in data
    assert all(len(d.encode()) <= 64 for d in data)

    # an ordinary member presses "unpin": refused, nothing changes
    await feed(callback_on(listing, tokens.moderator("nl", "pin-rm", str(first)), MEMBER, 10))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("nl", "refusal.not_moderator")
    assert feed.calls("unpinChatMessage") == []
    assert len(await repo.list_pins("telegram")) == 2

    # the administrator presses it: unpinned, forgotten, list updated, logged
    await feed(callback_on(listing, tokens.moderator("nl", "pin-rm", str(first)), ADMIN, 11))
    [unpin] = feed.calls("unpinChatMessage")
    assert int(unpin["message_id"]) == first
    assert (SUPERGROUP, first) not in standin.pinned
    assert [p.message_id for p in await repo.list_pins("telegram")] == [str(second)]
    assert f"#{first}" not in standin.messages[(SUPERGROUP, listing["message_id"])]["text"]
    assert "pin.remove" in [a.action for a in await repo.list_actions("telegram", str(SUPERGROUP))]

    # pressed again (stale list): the out-of-date notice, nothing else
    await feed(callback_on(listing, tokens.moderator("nl", "pin-rm", str(first)), ADMIN, 12))
    assert feed.calls("answerCallbackQuery")[-1]["text"] == assistant.core.t("nl", "ui.stale")
    assert len(feed.calls("unpinChatMessage")) == 1

    # "update all" refreshes this chat's outdated pin in place
    await feed(callback_on(listing, tokens.moderator("nl", "pins-refresh"), ADMIN, 13))
    assert [
        int(e["message_id"])
        for e in feed.calls("editMessageText")
        if int(e["message_id"]) != listing["message_id"]
    ] == [second]


async def test_unpin_command_as_a_reply_and_by_number(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    admins(standin, SUPERGROUP)
    first = await pin(feed, SUPERGROUP, "buyer-cancel-request", 1)
    second = await pin(feed, SUPERGROUP, "seller-cancel", 2)
    pinned_msg = standin.messages[(SUPERGROUP, first)]
    await feed(message_update(SUPERGROUP, ADMIN, "/unpin", update_id=3, reply_to=pinned_msg))
    await feed(message_update(SUPERGROUP, ADMIN, f"/unpin {second}", update_id=4))
    assert [int(c["message_id"]) for c in feed.calls("unpinChatMessage")] == [first, second]
    assert await repo.list_pins("telegram") == []
    await feed(message_update(SUPERGROUP, ADMIN, "/unpin 12345", update_id=5))
    assert feed.sent()[-1]["text"] == text("nl", "pins.unknown")
    await feed(message_update(SUPERGROUP, ADMIN, "/unpin", update_id=6))
    assert feed.sent()[-1]["text"] == text("nl", "pins.unpin_usage")


async def test_a_note_change_updates_the_pins_that_show_it(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    admins(standin, SUPERGROUP)
    shows = await pin(feed, SUPERGROUP, "buyer-cancel-request", 1)
    other = await pin(feed, SUPERGROUP, "seller-cancel", 2)
    standin.reset_calls()
    await feed(
        message_update(SUPERGROUP, ADMIN, "/note buyer-cancel-request Ask in <#help>", update_id=3)
    )
    assert [int(e["message_id"]) for e in feed.calls("editMessageText")] == [shows]
    assert "&lt;#help&gt;" in standin.messages[(SUPERGROUP, shows)]["html"]
    versions = {p.message_id: p.content_version for p in await repo.list_pins("telegram")}
    assert versions[str(shows)] == pin_version(assistant.core.content_version, "Ask in <#help>")
    assert versions[str(other)] == assistant.core.content_version


async def test_unpin_without_the_right_keeps_the_pin_and_says_what_to_grant(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    admins(standin, SUPERGROUP)
    pinned = await pin(feed, SUPERGROUP, "seller-cancel", 1)
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=False)
    await feed(message_update(SUPERGROUP, ADMIN, f"/unpin {pinned}", update_id=2))
    assert feed.sent()[-1]["text"] == text("nl", "pin.grant")
    assert (SUPERGROUP, pinned) in standin.pinned
    assert len(await repo.list_pins("telegram")) == 1


async def test_a_pin_unpinned_by_hand_is_just_forgotten(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    admins(standin, SUPERGROUP)
    pinned = await pin(feed, SUPERGROUP, "seller-cancel", 1)
    standin.pinned.remove((SUPERGROUP, pinned))
    await feed(message_update(SUPERGROUP, ADMIN, f"/unpin {pinned}", update_id=2))
    assert feed.sent()[-1]["text"].startswith(text("nl", "pins.removed", title="")[:8])
    assert await repo.list_pins("telegram") == []
