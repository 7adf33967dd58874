"""Hostile and damaged updates through the real Application: a clear notice or silence,
never an exception out of the bot's handlers, and the next member still answered."""

from __future__ import annotations

import copy
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from tg_fixtures import (
    FUZZ_SEEDS,
    SUPERGROUP,
    USERS,
    Feeder,
    callback_on,
    damage,
    message_update,
    payload,
    running_app,
)
from tg_standin import BotApiStandIn

from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.assistant import Assistant
from bot.moderation import ReminderService


async def _process(feed: Feeder, data: dict[str, Any]) -> None:
    """What the updater does: parse (it may fail: polling skips those), then process."""
    try:
        update = Update.de_json(data, feed.app.bot)
    except Exception:
        return  # never reaches the handlers (see TolerantBot)
    app = feed.app  # the way the application runs it: through its update processor
    await app.update_processor.process_update(update, app.process_update(update))


@pytest.fixture
async def unthrottled(
    standin: BotApiStandIn, assistant: Assistant, reminders: ReminderService
) -> AsyncIterator[Feeder]:
    """The application without flood limits: hundreds of updates to a few chats in seconds."""
    async with running_app(
        standin, assistant, reminders, RetryingRateLimiter(1e6, 1e6, backoff=0.01)
    ) as app:
        yield Feeder(app, standin)


async def test_damaged_updates_never_raise_out_of_the_handlers(unthrottled: Feeder) -> None:
    feed = unthrottled
    rng = random.Random(11)
    seeds = [payload(n) for n in FUZZ_SEEDS]
    for i in range(600):
        data = damage(rng, copy.deepcopy(rng.choice(seeds)))
        data["update_id"] = 500000 + i
        await _process(feed, data)
    assert not feed.errors, feed.errors[:3]
    await feed("private_text", text="my buyer wants to cancel", update_id=600001)
    assert "wants to cancel" in feed.sent()[-1]["text"] or feed.sent()[-1]["text"]


@pytest.mark.parametrize(
    "entities",
    [
        [{"type": "mention", "offset": 500, "length": 12}],  # past the end of the text
        [{"type": "mention", "offset": 1, "length": 1}],  # inside a surrogate pair
        [{"type": "mention", "offset": -3, "length": 40}],
        [{"type": "text_mention", "offset": 0, "length": 4}],  # without its user
    ],
)
async def test_entities_outside_the_text_are_harmless(
    feed: Feeder, entities: list[dict[str, Any]]
) -> None:
    data = message_update(
        SUPERGROUP,
        {"id": USERS["en"], "is_bot": False, "first_name": "A"},
        "😀 @sellerbot my buyer wants to cancel",
    )
    data["message"]["entities"] = entities
    await _process(feed, data)
    assert not feed.errors


async def test_lone_surrogates_and_a_missing_sender(feed: Feeder) -> None:
    data = payload("private_text", text="buyer wants to cancel \ud800 now")
    await _process(feed, data)
    no_sender = payload("private_text")
    del no_sender["message"]["from"]
    await _process(feed, no_sender)
    assert not feed.errors


@pytest.mark.parametrize("arg", ["12.999999999999", "99999999999.1", "-5.-5", "1.1e400", "x.y"])
async def test_forged_reminder_buttons_get_an_answer(feed: Feeder, arg: str) -> None:
    await feed("private_start_deeplink", text="/start buyer-cancel-request")
    msg = feed.sent()[-1]
    user = {"id": USERS["en"], "is_bot": False, "first_name": "A", "language_code": "en"}
    message = {
        **msg,
        "date": 1763790000,
        "chat": {"id": int(msg["chat_id"]), "type": "private"},
        "message_id": int(msg.get("message_id", 1)),
    }
    await feed(callback_on(message, f"sb1:en:r:{arg}", user, 880001), allow_errors=True)
    assert not feed.errors
    assert feed.calls("answerCallbackQuery")  # the member is answered, not left spinning


@pytest.mark.parametrize(
    ("data", "keyboard"),
    [
        ("sb1:en:s:seller-cancel", False),  # an old message: Telegram sends no keyboard
        ("sb1:en:w:", True),  # a walk step forged onto a guide's keyboard
        ("sb1:en:w:", False),
        ("sb1:zz:nonsense", False),  # stale or forged: a notice, never an edit
    ],
)
async def test_presses_never_replace_a_guide_in_a_group(
    feed: Feeder, data: str, keyboard: bool
) -> None:
    await feed("group_mention")
    guide = feed.sent()[-1]
    chat = int(guide["chat_id"])
    stored = feed.message(chat, max(k[1] for k in feed.server.messages if k[0] == chat))
    message = {k: v for k, v in stored.items() if keyboard or k != "reply_markup"}
    user = {"id": USERS["id"], "is_bot": False, "first_name": "B", "language_code": "en"}
    await feed(callback_on(message, data, user, 870001))
    assert not feed.calls("editMessageText")  # the guide stays as it was
    assert feed.calls("answerCallbackQuery")
