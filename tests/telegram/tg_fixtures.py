"""Fixtures: a stand-in Bot API server, a temporary repository and a real PTB Application."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

_HERE = Path(__file__).resolve().parent
# Opt in to PTB 23's timedelta retry_after now (silences its deprecation warning).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from databases import TestDatabases  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application  # noqa: E402
from tg_standin import BOT_ID, TOKEN, BotApiStandIn  # noqa: E402

from bot.adapters.telegram.app import build_application  # noqa: E402
from bot.adapters.telegram.ratelimit import RetryingRateLimiter  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.core.engine import default_core  # noqa: E402
from bot.moderation import ManualClock, ReminderService  # noqa: E402
from bot.moderation.refusals import Refused  # noqa: E402
from bot.storage.sql import SqlRepository  # noqa: E402

PAYLOADS = _HERE / "payloads"
SUPERGROUP = -1001234567890
GROUP = -4012345678
USERS = {"id": 111111111, "en": 222222222, "nl": 333333333}

App = Application[Any, Any, Any, Any, Any, Any]


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded update, deep-copied. ``text=`` replaces the text (and command entity),
    ``lang=`` the sender's language_code, ``data=`` a callback's data, ``query=`` an inline
    query, ``update_id=`` the update id."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text("utf-8"))
    data = copy.deepcopy(data)
    body = next(v for k, v in data.items() if k != "update_id")
    if "update_id" in changes:
        data["update_id"] = changes["update_id"]
    if "text" in changes:
        text = changes["text"]
        body["text"] = text
        body.pop("entities", None)
        if text.startswith("/"):
            length = len(text.split()[0].encode("utf-16-le")) // 2
            body["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    if "lang" in changes:
        body["from"]["language_code"] = changes["lang"]
    if "data" in changes:
        body["data"] = changes["data"]
    if "query" in changes:
        body["query"] = changes["query"]
    if "message" in changes:
        body["message"] = changes["message"]
    if "user_id" in changes:
        body["from"]["id"] = changes["user_id"]
        if body.get("chat", {}).get("type") == "private":
            body["chat"]["id"] = changes["user_id"]
    return data


def callback_on(
    message: dict[str, Any], data: str, user: dict[str, Any], update_id: int = 800000001
) -> dict[str, Any]:
    """A callback query pressed on a message the stand-in recorded (as Telegram sends it)."""
    msg = {k: v for k, v in message.items() if k != "html"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq{update_id}",
            "from": user,
            "message": msg,
            "chat_instance": "-7463529018274659",
            "data": data,
        },
    }


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def repo(tmp_path: Path, databases: TestDatabases) -> AsyncIterator[SqlRepository]:
    async with await databases.open(tmp_path / "telegram.db", salt="tg-tests") as repository:
        yield repository


@pytest.fixture
def assistant(repo: SqlRepository) -> Assistant:
    return Assistant(default_core(), repo, default_lang="en")


#: Where the tests' manual clock starts (whole seconds: button tokens carry epoch seconds).
START = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def clock() -> ManualClock:
    """The time of the reminders, of the reminder buttons and of the stats; moves when told."""
    return ManualClock(START)


@pytest.fixture
def reminders(repo: SqlRepository, clock: ManualClock) -> ReminderService:
    return ReminderService(repo, clock, platform="telegram", interval=0.05)


@contextlib.asynccontextmanager
async def running_app(
    standin: BotApiStandIn,
    assistant: Assistant,
    reminders: ReminderService,
    rate_limiter: RetryingRateLimiter,
) -> AsyncIterator[App]:
    """The initialized application against the stand-in; what its handlers raise is kept in
    ``bot_data["errors"]`` (not refusals: the bot's own error handler answers those)."""
    application = build_application(
        assistant, TOKEN, reminders=reminders, base_url=standin.base_url, rate_limiter=rate_limiter
    )
    errors: list[BaseException] = []

    async def record(update: object, context: Any) -> None:
        if not isinstance(context.error, Refused):
            errors.append(context.error)

    application.add_error_handler(record)
    application.bot_data["errors"] = errors
    await application.initialize()
    standin.reset_calls()
    try:
        yield application
    finally:
        await application.shutdown()


@pytest.fixture
async def app(
    standin: BotApiStandIn, assistant: Assistant, reminders: ReminderService
) -> AsyncIterator[App]:
    async with running_app(
        standin, assistant, reminders, RetryingRateLimiter(backoff=0.01)
    ) as application:
        yield application


def message_update(
    chat_id: int,
    user: dict[str, Any],
    text: str,
    *,
    update_id: int = 900001,
    message_id: int = 9900,
    reply_to: dict[str, Any] | None = None,
    sender_chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new message from ``user`` in any chat (a command gets its bot_command entity)."""
    if chat_id > 0:
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
    elif str(chat_id).startswith("-100"):
        chat = {
            "id": chat_id,
            "type": "supergroup",
            "title": "Sellers Lounge",
            "username": "sellerslounge",
        }
    else:
        chat = {"id": chat_id, "type": "group", "title": "Other Sellers"}
    msg: dict[str, Any] = {
        "message_id": message_id,
        "from": user,
        "chat": chat,
        "date": 1763790000,
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0].encode("utf-16-le")) // 2
        msg["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    if reply_to is not None:
        msg["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "html"}
    if sender_chat is not None:
        msg["sender_chat"] = sender_chat
    return {"update_id": update_id, "message": msg}


class Feeder:
    """Feeds updates to the Application and reads what reached the stand-in."""

    def __init__(self, app: App, standin: BotApiStandIn) -> None:
        self.app = app
        self.server = standin

    @property
    def errors(self) -> list[BaseException]:
        return self.app.bot_data["errors"]  # type: ignore[no-any-return]

    async def __call__(
        self, update: dict[str, Any] | str, *, allow_errors: bool = False, **changes: Any
    ) -> None:
        """Process one update; fails the test if a handler raised (unless allowed)."""
        data = payload(update, **changes) if isinstance(update, str) else update
        parsed = Update.de_json(data, self.app.bot)
        # the way the application runs it: through its update processor
        await self.app.update_processor.process_update(parsed, self.app.process_update(parsed))
        if not allow_errors:
            assert not self.errors, f"handler raised: {self.errors!r}"

    def sent(self) -> list[dict[str, Any]]:
        return self.server.sent()

    def calls(self, method: str) -> list[dict[str, Any]]:
        return self.server.calls_to(method)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self.server.messages[(chat_id, message_id)]

    def last_message(self, chat_id: int) -> dict[str, Any]:
        key = max(k for k in self.server.messages if k[0] == chat_id)
        return self.server.messages[key]


@pytest.fixture
def feed(app: App, standin: BotApiStandIn) -> Feeder:
    return Feeder(app, standin)


__all__ = [
    "BOT_ID",
    "GROUP",
    "START",
    "SUPERGROUP",
    "USERS",
    "callback_on",
    "message_update",
    "payload",
]


#: A member in each language, as a button press's ``from``.
USER = {
    lang: {"id": USERS[lang], "is_bot": False, "first_name": "M", "language_code": lang}
    for lang in USERS
}


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A sent message's buttons: label -> callback data."""
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


JUNK: list[Any] = [
    None,
    0,
    -1,
    2**63,
    "",
    "x" * 5000,
    [],
    {},
    1.5,
    True,
    "\ud83d",
    "@everyone",
    "<b>",
    {"id": "x"},
]


#: Real update payloads of every kind the bot handles: what the fuzz tests and the fault
#: benches damage.
FUZZ_SEEDS = [
    "private_text",
    "private_start",
    "private_start_deeplink",
    "group_mention",
    "supergroup_reply_to_bot",
    "supergroup_guide_reply",
    "supergroup_help_at_bot",
    "callback_query",
    "inline_query",
    "edited_message",
    "private_photo_caption",
    "supergroup_pin",
    "private_language",
]


def damage(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with one field dropped, replaced by junk of another type, or cut
    with a lone surrogate, somewhere in its tree (for bounded fuzz tests and the fault bench).
    """
    if isinstance(value, dict) and value:
        value = dict(value)
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.25 and key != "update_id":
            del value[key]
        elif roll < 0.55 or depth > 4:
            value[key] = rng.choice(JUNK)
        else:
            value[key] = damage(rng, value[key], depth + 1)
    elif isinstance(value, list) and value:
        value = list(value)
        i = rng.randrange(len(value))
        value[i] = damage(rng, value[i], depth + 1)
    elif isinstance(value, str) and rng.random() < 0.5:
        value = value[: rng.randrange(len(value) + 1)] + "\ud800"  # a lone surrogate
    return value
