"""Running: polling, webhook with its secret token, command sync, clean shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from tg_fixtures import USERS, callback_on, payload
from tg_standin import TOKEN, BotApiStandIn

from bot.adapters.telegram.app import api_base_url, build_application
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.adapters.telegram.run import run_telegram, serve
from bot.assistant import Assistant
from bot.config import load_settings


async def until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def listening(port: int) -> None:
    """Wait until the webhook server accepts connections."""
    for _ in range(500):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.01)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("webhook server did not start")


async def polling(
    standin: BotApiStandIn, assistant: Assistant, *, rate: float = 30, retry_delay: float = 2.0
) -> tuple[Any, asyncio.Event, asyncio.Task[None]]:
    """The bot serving by polling, as ``sellerbot run`` does: (app, stop event, task), once
    the first getUpdates has come."""
    settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
    app = build_application(
        assistant,
        TOKEN,
        base_url=standin.base_url,
        rate_limiter=RetryingRateLimiter(rate, rate, backoff=0.01),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, retry_delay=retry_delay))
    await until(lambda: standin.calls_to("getUpdates"))
    return app, stop, task


def test_api_base_url() -> None:
    assert api_base_url(None) == "https://api.telegram.org/bot"
    assert api_base_url("http://localhost:8081") == "http://localhost:8081/bot"
    assert api_base_url("http://localhost:8081/bot/") == "http://localhost:8081/bot"


async def test_polling_and_a_clean_shutdown_that_keeps_the_vote(
    standin: BotApiStandIn, assistant: Assistant, repo: Any
) -> None:
    app, stop, task = await polling(standin, assistant)
    assert len(standin.calls_to("setMyCommands")) == 12
    assert standin.calls_to("deleteWebhook")

    standin.push_update(payload("private_start_deeplink", update_id=10))
    await until(standin.sent)
    answer = {k: v for k, v in standin.messages[max(standin.messages)].items()}

    # a vote whose write is still running when the stop signal comes
    writing = asyncio.Event()
    original = repo.record_feedback

    async def slow_record(*args: Any, **kwargs: Any) -> None:
        writing.set()
        await asyncio.sleep(0.2)
        await original(*args, **kwargs)

    repo.record_feedback = slow_record
    user = {"id": USERS["en"], "is_bot": False, "first_name": "A", "language_code": "en"}
    standin.push_update(callback_on(answer, "sb1:en:f:seller-cancel.1", user, 11))
    await asyncio.wait_for(writing.wait(), 5)
    stop.set()
    await asyncio.wait_for(task, 10)
    [s] = await repo.feedback_summary()
    assert s.helpful == 1
    assert len(standin.calls_to("answerCallbackQuery")) == 1
    assert not app.running


async def test_commands_are_not_set_again_on_restart(
    standin: BotApiStandIn, assistant: Assistant
) -> None:
    settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
    for _ in range(2):
        stop = asyncio.Event()
        app = build_application(assistant, TOKEN, base_url=standin.base_url)
        task = asyncio.create_task(serve(app, settings, stop))
        await until(lambda: standin.calls_to("getUpdates"))
        stop.set()
        await asyncio.wait_for(task, 10)
        if not standin.calls_to("setMyCommands"):
            break
        standin.reset_calls()
    assert standin.calls_to("setMyCommands") == []


async def test_start_up_waits_out_an_unreachable_server(
    standin: BotApiStandIn, assistant: Assistant
) -> None:
    standin.fail("getMe", 502, times=6)
    settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
    app = build_application(
        assistant, TOKEN, base_url=standin.base_url, rate_limiter=RetryingRateLimiter(backoff=0.01)
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, retry_delay=0.01))
    await until(lambda: standin.calls_to("getUpdates"))
    assert len(standin.calls_to("getMe")) == 7
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_webhook_mode_checks_the_secret_token(
    standin: BotApiStandIn, assistant: Assistant
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        telegram_webhook_url=url,
        telegram_webhook_secret="s3cret-Token_1",
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
    )
    app = build_application(assistant, TOKEN, base_url=standin.base_url)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop))
    [hook] = await until(lambda: standin.calls_to("setWebhook"))
    assert hook["url"] == url and hook["secret_token"] == "s3cret-Token_1"
    assert "callback_query" in hook["allowed_updates"]
    await listening(port)
    update = payload("private_text", update_id=20)
    async with aiohttp.ClientSession() as http:
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
        async with http.post(url, json=update, headers=wrong) as resp:
            assert resp.status == 403
        async with http.post(url, json=update) as resp:
            assert resp.status == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
        async with http.post(url, json=update, headers=right) as resp:
            assert resp.status == 200
    [msg] = await until(standin.sent)
    assert msg["chat_id"] == USERS["id"]
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_webhook_without_a_configured_secret_gets_a_random_one(
    standin: BotApiStandIn, assistant: Assistant
) -> None:
    port = free_port()
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/hook",
        telegram_webhook_secret=None,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_telegram(assistant, settings, stop))
    [hook] = await until(lambda: standin.calls_to("setWebhook"))
    assert len(hook["secret_token"]) >= 32
    stop.set()
    await asyncio.wait_for(task, 10)


@pytest.mark.skipif(os.name != "posix", reason="signals")
async def test_sigterm_stops_run_telegram(standin: BotApiStandIn, assistant: Assistant) -> None:
    settings = load_settings(
        telegram_token=TOKEN, telegram_api_base_url=standin.base_url, telegram_webhook_url=None
    )
    task = asyncio.create_task(run_telegram(assistant, settings))
    await until(lambda: standin.calls_to("getUpdates"))
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 10)
    assert task.done() and task.exception() is None


async def test_cancellation_also_shuts_down_cleanly(
    standin: BotApiStandIn, assistant: Assistant
) -> None:
    settings = load_settings(
        telegram_token=TOKEN, telegram_api_base_url=standin.base_url, telegram_webhook_url=None
    )
    task = asyncio.create_task(run_telegram(assistant, settings, asyncio.Event()))
    await until(lambda: standin.calls_to("getUpdates"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_update_the_library_cannot_read_is_skipped_once(
    standin: BotApiStandIn, assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    """One unreadable update must not stall polling for everyone (it used to be re-fetched
    forever): it is logged once and skipped, and the updates around it are answered."""
    _app, stop, task = await polling(standin, assistant)
    bad = payload("private_start_deeplink", update_id=20)
    bad["message"]["chat"] = "not an object"  # e.g. a field a newer Bot API sends differently
    broken_poll = {"update_id": 21, "poll": {"id": "1"}}  # a poll missing required fields
    standin.push_update(bad)
    standin.push_update(broken_poll)
    standin.push_update(payload("private_start_deeplink", update_id=22))
    await until(standin.sent)
    await asyncio.sleep(0.3)  # a stalled poller would be re-fetching all the while
    polls = standin.calls_to("getUpdates")
    stop.set()
    await asyncio.wait_for(task, 10)
    assert len(standin.sent()) == 1  # the good update is answered once
    assert len(polls) < 15
    assert max(int(p.get("offset") or 0) for p in polls) >= 23  # moved past all three
    skipped = [r for r in caplog.records if r.getMessage().startswith("skipped an update")]
    assert sorted(r.update_id for r in skipped) == [20, 21]  # type: ignore[attr-defined]
    # not the library's dump of the whole batch (members' messages, a traceback)
    assert not [r for r in caplog.records if "Error while parsing updates" in str(r.msg)]


async def test_no_token_reaches_the_logs_even_at_debug(
    standin: BotApiStandIn,
    assistant: Assistant,
    capfd: pytest.CaptureFixture[str],
    logs_as_run: Callable[..., Any],
) -> None:
    from telegram import Update

    logs_as_run("DEBUG", "text", secrets=[TOKEN])
    app = build_application(
        assistant, TOKEN, base_url=standin.base_url, rate_limiter=RetryingRateLimiter(backoff=0.01)
    )
    await app.initialize()
    update = payload("private_start_deeplink", update_id=30)
    await app.process_update(Update.de_json(update, app.bot))
    await app.shutdown()
    err = capfd.readouterr().err
    assert "getMe" in err and "sendMessage" in err  # the requests were logged ...
    assert TOKEN not in err and TOKEN.split(":")[1] not in err  # ... without the token


async def test_what_a_crash_can_lose_is_bounded_and_a_stop_is_quick(
    standin: BotApiStandIn, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a burst, no more than the backlog limit of updates is ever confirmed to Telegram
    (by the next getUpdates) while not yet handled: a kill -9 loses at most that many; and a
    stop only finishes those, quickly."""
    from bot.adapters.telegram.backlog import LIMIT

    original = assistant.ask

    async def slow_ask(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.005)  # a slower storage or platform
        return await original(*args, **kwargs)

    monkeypatch.setattr(assistant, "ask", slow_ask)
    exposed: list[int] = []
    first = 5000

    def watch(call: Any) -> None:
        if call.method == "getUpdates":
            confirmed = max(0, int(call.params.get("offset") or first) - first)
            exposed.append(confirmed - len(standin.sent()))

    standin.on_call = watch
    _app, stop, task = await polling(standin, assistant, rate=1e6)
    for i in range(400):
        standin.push_update(payload("private_text", update_id=first + i, user_id=10_000 + i % 50))
    await until(lambda: len(standin.sent()) >= 150, timeout=20)
    started = asyncio.get_running_loop().time()
    stop.set()
    await asyncio.wait_for(task, 10)
    took = asyncio.get_running_loop().time() - started
    assert max(exposed) <= LIMIT  # confirmed but not yet answered, at any moment
    assert took < 5.0  # within common container stop timeouts


async def test_a_stop_does_not_wait_for_answers_held_back(
    standin: BotApiStandIn,
    assistant: Assistant,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Answers that cannot finish (a group's flood limit, a hung platform) delay a stop by
    at most the drain time."""
    from bot.adapters.telegram import run as run_module

    monkeypatch.setattr(run_module, "DRAIN_SECONDS", 0.5)
    hung = asyncio.Event()

    async def hanging_ask(*args: Any, **kwargs: Any) -> Any:
        hung.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(assistant, "ask", hanging_ask)
    _app, stop, task = await polling(standin, assistant, rate=1e6)
    for i in range(5):
        standin.push_update(payload("private_text", update_id=7000 + i, user_id=20_000 + i))
    await asyncio.wait_for(hung.wait(), 10)
    started = asyncio.get_running_loop().time()
    stop.set()
    await asyncio.wait_for(task, 10)
    assert asyncio.get_running_loop().time() - started < 2.0
    assert "still under way" in caplog.text


async def test_the_start_up_pin_refresh_never_delays_answering(
    standin: BotApiStandIn, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many outdated pinned answers take a while to edit under the flood limits: members are
    answered meanwhile, and a stop does not wait for the refresh."""
    from bot.adapters.telegram import run as run_module

    refreshing = asyncio.Event()

    async def slow_refresh(app: Any) -> None:
        refreshing.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(run_module, "_refresh_pins", slow_refresh)
    _app, stop, task = await polling(standin, assistant, rate=1e6)
    await asyncio.wait_for(refreshing.wait(), 10)
    standin.push_update(payload("private_text", update_id=9100, user_id=30_001))
    await until(lambda: standin.sent(), timeout=10)
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_the_flood_limit_share_and_reminder_timing_come_from_the_settings(
    standin: BotApiStandIn, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several workers on one token share its flood limit; the reminder loop's interval and
    claim lease are the operator's (TELEGRAM_MAX_MESSAGES_PER_SECOND, SELLERBOT_REMINDER_*)."""
    import bot.adapters.telegram.run as run_module

    built: dict[str, Any] = {}

    def capture(*args: Any, **kwargs: Any) -> Any:
        built.update(kwargs)
        return build_application(*args, **kwargs)

    monkeypatch.setattr(run_module, "build_application", capture)
    settings = load_settings(
        telegram_token=TOKEN,
        telegram_api_base_url=standin.base_url,
        telegram_webhook_url=None,
        telegram_max_messages_per_second=7.5,
        sellerbot_reminder_interval=4,
        sellerbot_reminder_lease=90,
    )
    task = asyncio.create_task(run_telegram(assistant, settings, asyncio.Event()))
    try:
        await until(lambda: standin.calls_to("getUpdates"))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    limiter = built["rate_limiter"]
    assert isinstance(limiter, RetryingRateLimiter)
    assert limiter._base_limiter is not None and limiter._base_limiter.max_rate == 7.5
    service = built["reminders"]
    assert service.interval == 4 and service.lease.total_seconds() == 90


def test_a_negative_flood_limit_share_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="telegram_max_messages_per_second"):
        load_settings(telegram_max_messages_per_second=-1)
