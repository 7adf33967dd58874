"""429 retry_after honoured; 5xx and network errors retried; nothing is ever fatal."""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from tg_fixtures import USERS, Feeder, callback_on
from tg_standin import TOKEN, BotApiStandIn

from bot.adapters.telegram.app import build_application
from bot.adapters.telegram.ratelimit import RetryingRateLimiter


async def test_429_waits_retry_after_then_delivers(feed: Feeder, standin: BotApiStandIn) -> None:
    standin.fail("sendMessage", 429, retry_after=1)
    started = time.perf_counter()
    await feed("private_text")
    assert time.perf_counter() - started >= 1.0
    assert len(feed.sent()) == 2  # refused once, then delivered
    assert feed.errors == []


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_retried(feed: Feeder, standin: BotApiStandIn, status: int) -> None:
    standin.fail("sendMessage", status, times=2)
    await feed("private_text")
    assert len(feed.sent()) == 3


async def test_persistent_5xx_is_logged_not_fatal(
    feed: Feeder, standin: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail("sendMessage", 502, times=10)
    await feed("private_text", allow_errors=True)
    assert len(feed.sent()) == 4  # the first try and three retries
    assert [type(e) for e in feed.errors] == [NetworkError]
    assert "update 700000001 failed" in caplog.text
    # and the bot keeps working
    feed.errors.clear()
    standin.failures.clear()
    await feed("private_text", update_id=2)
    assert len(feed.sent()) == 5


async def test_callback_survives_server_errors(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    await feed("private_start_deeplink")
    answer = feed.last_message(USERS["en"])
    standin.fail("answerCallbackQuery", 500, times=10)
    user = {"id": USERS["en"], "is_bot": False, "first_name": "A", "language_code": "en"}
    await feed(callback_on(answer, "sb1:en:f:seller-cancel.1", user, 990))
    [s] = await repo.feedback_summary()
    assert s.helpful == 1  # the vote is stored even though the toast could not be shown


async def test_429_on_a_walk_edit(feed: Feeder, standin: BotApiStandIn) -> None:
    await feed("private_start", text="/guide", user_id=USERS["en"], lang="en")
    menu = feed.last_message(USERS["en"])
    standin.fail("editMessageText", 429, retry_after=1)
    user = {"id": USERS["en"], "is_bot": False, "first_name": "A", "language_code": "en"}
    await feed(callback_on(menu, "sb1:en:w:buyer", user, 991))
    assert len(feed.calls("editMessageText")) == 2
    assert len(feed.calls("answerCallbackQuery")) == 1


async def test_rate_limiter_gives_up_after_its_retries(standin: BotApiStandIn) -> None:
    limiter = RetryingRateLimiter(max_retries=0, backoff=0.01)
    calls = 0

    async def callback() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert calls == 1


async def test_a_late_answer_to_a_send_is_not_sent_twice(
    standin: BotApiStandIn, assistant: Any
) -> None:
    """A read timeout on sendMessage does not mean it failed: no retry, no second message;
    an edit (safe to repeat) is still retried."""
    app = build_application(
        assistant,
        TOKEN,
        base_url=standin.base_url,
        rate_limiter=RetryingRateLimiter(backoff=0.01),
        read_timeout=0.2,
    )
    await app.initialize()
    try:
        standin.reset_calls()
        standin.answer_late("sendMessage", 0.5)
        with pytest.raises(TimedOut):
            await app.bot.send_message(USERS["en"], "hello")
        assert len(standin.calls_to("sendMessage")) == 1  # sent once, not retried
        chat, message_id = max(standin.messages)
        standin.answer_late("editMessageText", 0.5)
        # repeated after the timeout; the edit had been made, and Telegram says so (our
        # sender treats "not modified" as done)
        with pytest.raises(BadRequest, match="not modified"):
            await app.bot.edit_message_text("hello again", chat_id=chat, message_id=message_id)
        assert len(standin.calls_to("editMessageText")) == 2
    finally:
        await app.shutdown()
