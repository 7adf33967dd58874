"""Throughput and latency of the Telegram adapter against the stand-in Bot API server.

Pushes updates through a real python-telegram-bot Application (long polling against the
stand-in from ``tests/telegram``) and measures, per update, the time from the moment the
update is made available to getUpdates to the bot's reply (sendMessage, editMessageText or
answerCallbackQuery) reaching the server. The same is done for two bare PTB applications on
the same server, and the ratios are printed:

* "echo": a bare handler that echoes the text back, as the first version of this bench
  compared with. Kept for reference: it sends a line where we send a guide with buttons.
* "same replies" (like for like): bare handlers that make, for each update, exactly the calls
  the bot made for it (the same methods, HTML text, inline keyboards and options), recorded
  from the bot before the timed runs and rebuilt once as PTB objects (``InlineKeyboardMarkup``,
  ``LinkPreviewOptions``). They pay the library's and the transport's cost for the same
  payloads, and none of our code; they also take callbacks, so the mixed workload has its own.

The budget (issue 12: throughput within 1.5x of a bare library handler) is judged on the
like-for-like ratio; the ratio to the echo is printed beside it.

The stand-in and the simulated members run in a separate process (as Telegram is remote), so
the bot process spends its CPU on the bot only. Members wait for each reply before sending
their next update (a closed loop): ``--users 1`` gives unloaded latency, more members load.

Run: ``.venv/bin/python bench/bench_telegram.py [--updates 2000] [--users 32]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests" / "telegram"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Update  # noqa: E402
from telegram.error import BadRequest  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as tg_filters  # noqa: E402
from tg_standin import TOKEN, BotApiStandIn, Call  # noqa: E402

from bot.adapters.telegram.app import build_application  # noqa: E402
from bot.adapters.telegram.ratelimit import RetryingRateLimiter  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.core.engine import default_core  # noqa: E402
from bot.runner import settle_heap  # noqa: E402
from bot.storage import Repository, SqliteRepository  # noqa: E402
from bot.storage.cached import CachedPreferences  # noqa: E402

App = Application[Any, Any, Any, Any, Any, Any]
QUESTIONS = [
    ("en", "my buyer wants to cancel the order, what do I do?"),
    ("id", "buyer minta cancel gimana"),
    ("nl", "de koper wil de bestelling annuleren, wat moet ik doen?"),
    ("en", "I ordered the wrong thing, the buyer says"),
    ("id", "buyer nggak puas sama hasil kerja saya"),
    ("nl", "ik moet zelf de bestelling annuleren"),
    ("en", "what's the weather like?"),
]
REPLIES = {"sendMessage", "editMessageText", "answerCallbackQuery"}
#: Parameters that name the chat, message or query: filled in by the bare handlers.
IDS = {"chat_id", "message_id", "callback_query_id"}
#: What the bot called in answer to an update, by its text or callback data.
Recorded = dict[str, list[tuple[str, dict[str, Any]]]]
#: Issue 12's budget: our throughput within this factor of the bare handler's.
BUDGET = 1.5


@dataclass
class Tracker:
    """Matches each pushed update with the first reply call for it."""

    pending: dict[str, float] = field(default_factory=dict)
    waiters: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    def on_call(self, call: Call) -> None:
        if call.method not in REPLIES:
            return
        key = (
            f"cb:{call.params['callback_query_id']}"
            if call.method == "answerCallbackQuery"
            else f"chat:{call.params.get('chat_id')}"
        )
        started = self.pending.pop(key, None)
        if started is None:
            return
        self.latencies.append(call.at - started)
        fut = self.waiters.pop(key, None)
        if fut is not None and not fut.done():
            fut.set_result(call.at)


def message_update(uid: int, user: int, text: str, lang: str) -> dict[str, Any]:
    entities = (
        [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        if text.startswith("/")
        else []
    )
    return {
        "update_id": uid,
        "message": {
            "message_id": uid,
            "date": int(time.time()),
            "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": lang},
            "chat": {"id": user, "type": "private", "first_name": "U"},
            "text": text,
            **({"entities": entities} if entities else {}),
        },
    }


def callback_update(uid: int, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    return {
        "update_id": uid,
        "callback_query": {
            "id": f"q{uid}",
            "chat_instance": "1",
            "data": data,
            "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": "en"},
            "message": {k: v for k, v in message.items() if k != "html"},
        },
    }


class Workload:
    """What each simulated member sends next: questions, /start, votes and walk presses."""

    def __init__(self, server: BotApiStandIn, mixed: bool) -> None:
        self.server = server
        self.mixed = mixed
        self.n = 0
        self.menus: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, dict[str, Any]] = {}

    def prepare(self, user: int) -> None:
        menu = self.server.api_sendMessage(
            {
                "chat_id": user,
                "text": "menu",
                "reply_markup": {
                    "inline_keyboard": [[{"text": "b", "callback_data": "sb1:en:w:"}]]
                },
            }
        )
        answer = self.server.api_sendMessage(
            {
                "chat_id": user,
                "text": "answer",
                "reply_markup": {
                    "inline_keyboard": [
                        [{"text": "y", "callback_data": "sb1:en:f:seller-cancel.1"}]
                    ]
                },
            }
        )
        self.menus[user], self.answers[user] = menu, answer

    def next(self, user: int) -> tuple[dict[str, Any], str]:
        self.n += 1
        uid = 10_000_000 + self.n
        kind = self.n % 10 if self.mixed else 0
        if kind == 7:
            data = "sb1:en:w:" + ("buyer" if self.n % 20 < 10 else "")
            menu = self.server.messages[(user, self.menus[user]["message_id"])]
            return callback_update(uid, user, menu, data), f"cb:q{uid}"
        if kind == 8:
            vote = "sb1:en:f:seller-cancel." + str(self.n % 2)
            return callback_update(uid, user, self.answers[user], vote), f"cb:q{uid}"
        if kind == 9:
            return message_update(uid, user, "/start", "nl"), f"chat:{user}"
        lang, text = QUESTIONS[self.n % len(QUESTIONS)]
        return message_update(uid, user, text, lang), f"chat:{user}"


async def drive(server: BotApiStandIn, updates: int, users: int, mixed: bool) -> dict[str, float]:
    """In the server process: members send updates and wait for the replies."""
    tracker = Tracker()
    server.on_call = tracker.on_call
    work = Workload(server, mixed)
    ids = [900_000_000 + i for i in range(users)]
    for user in ids:
        work.prepare(user)
    loop = asyncio.get_running_loop()
    sent = 0

    async def member(user: int) -> None:
        nonlocal sent
        while sent < updates:
            sent += 1
            update, key = work.next(user)
            fut: asyncio.Future[float] = loop.create_future()
            tracker.waiters[key] = fut
            tracker.pending[key] = time.perf_counter()
            server.push_update(update)
            await asyncio.wait_for(fut, 30)

    started = time.perf_counter()
    await asyncio.gather(*(member(u) for u in ids))
    elapsed = time.perf_counter() - started
    server.on_call = None
    lat = sorted(tracker.latencies)
    return {
        "updates": len(lat),
        "per_s": len(lat) / elapsed,
        "median_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
    }


async def record(server: BotApiStandIn) -> Recorded:
    """In the server process: one member sends every kind of update of the mixed workload,
    one at a time; what the bot called in answer to each, by its text or callback data."""
    tracker = Tracker()
    server.on_call = tracker.on_call
    work = Workload(server, mixed=True)
    user = 900_000_000
    work.prepare(user)
    loop = asyncio.get_running_loop()
    out: Recorded = {}
    for _ in range(40):  # every question, /start, both walk presses and the vote
        update, key = work.next(user)
        fut: asyncio.Future[float] = loop.create_future()
        tracker.waiters[key] = fut
        tracker.pending[key] = time.perf_counter()
        server.reset_calls()
        server.push_update(update)
        await asyncio.wait_for(fut, 30)
        await asyncio.sleep(0.05)  # calls made after the reply
        what = (
            update["message"]["text"] if "message" in update else update["callback_query"]["data"]
        )
        out[what] = [
            (c.method, {k: v for k, v in c.params.items() if k not in IDS})
            for c in server.calls
            if c.method != "getUpdates"
        ]
    server.on_call = None
    return out


def server_process(conn: Connection) -> None:
    """The stand-in Bot API and the members, in their own process."""

    async def serve() -> None:
        server = BotApiStandIn()
        await server.start()
        conn.send(server.base_url)
        while True:
            command = await asyncio.to_thread(conn.recv)
            if command[0] == "stop":
                break
            if command[0] == "record":
                conn.send(await record(server))
                continue
            _, updates, users, mixed = command
            conn.send(await drive(server, updates, users, mixed))
        await server.stop()

    logging.basicConfig(level=logging.ERROR)
    asyncio.run(serve())


async def run_app(app: App, conn: Connection, updates: int, users: int, mixed: bool) -> Any:
    """In the bot process: run the Application while the server process drives it
    (``updates`` 0: records what it answers to each kind of update instead)."""
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=10)
    conn.send(("run", updates, users, mixed) if updates else ("record",))
    result = await asyncio.to_thread(conn.recv)
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return result


def echo_app(base_url: str, concurrency: int) -> App:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app = (
        ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(concurrency).build()
    )
    app.add_handler(MessageHandler(tg_filters.TEXT, echo))
    return app


Reply = Callable[[Bot, int, int | None, str], Awaitable[Any]]


def prepared(method: str, params: dict[str, Any]) -> Reply:
    """One recorded call of the bot's, with its payload rebuilt once as PTB objects."""
    p = dict(params)
    text: str | None = p.pop("text", None)
    parse_mode: str | None = p.pop("parse_mode", None)
    preview = p.pop("link_preview_options", None)
    markup = p.pop("reply_markup", None)
    show_alert: bool | None = p.pop("show_alert", None)
    if p:
        raise ValueError(f"no bare equivalent for {method} with {sorted(p)}")
    preview_obj = LinkPreviewOptions(**preview) if preview else None
    markup_obj = InlineKeyboardMarkup.de_json(markup) if markup else None

    async def send(bot: Bot, chat_id: int, message_id: int | None, query_id: str) -> None:
        assert text is not None
        await bot.send_message(
            chat_id,
            text,
            parse_mode=parse_mode,
            link_preview_options=preview_obj,
            reply_markup=markup_obj,
        )

    async def edit(bot: Bot, chat_id: int, message_id: int | None, query_id: str) -> None:
        assert text is not None
        with contextlib.suppress(BadRequest):  # "message is not modified", as ours takes it
            await bot.edit_message_text(
                text,
                chat_id,
                message_id,
                parse_mode=parse_mode,
                link_preview_options=preview_obj,
                reply_markup=markup_obj,
            )

    async def answer(bot: Bot, chat_id: int, message_id: int | None, query_id: str) -> None:
        await bot.answer_callback_query(query_id, text=text, show_alert=show_alert)

    calls = {"sendMessage": send, "editMessageText": edit, "answerCallbackQuery": answer}
    if method not in calls:
        raise ValueError(f"no bare equivalent for {method}")
    return calls[method]


def same_app(base_url: str, concurrency: int, recorded: Recorded) -> App:
    """Bare PTB handlers making the calls the bot made for the same update (like for like)."""
    replies = {what: [prepared(m, p) for m, p in calls] for what, calls in recorded.items()}

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        for reply in replies[message.text]:
            await reply(context.bot, message.chat_id, None, "")

    async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None and query.message is not None
        for reply in replies[query.data]:
            await reply(context.bot, query.message.chat.id, query.message.message_id, query.id)

    app = (
        ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(concurrency).build()
    )
    app.add_handler(MessageHandler(tg_filters.TEXT, on_message))
    app.add_handler(CallbackQueryHandler(on_callback))
    return app


async def main(updates: int, user_counts: list[int], concurrency: int, repeat: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    conn, child_conn = multiprocessing.Pipe()
    child = multiprocessing.get_context("spawn").Process(
        target=server_process, args=(child_conn,), daemon=True
    )
    child.start()
    base_url: str = await asyncio.to_thread(conn.recv)
    print(
        f"{updates} updates per run; stand-in Bot API in its own process; long polling; "
        f"concurrent_updates={concurrency}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = await SqliteRepository.open(Path(tmp) / "bench.db", salt="bench")
        # The same storage view `sellerbot run` gives the adapters: cached preferences,
        # statistics written off the reply path.
        repo = CachedPreferences(store)
        assistant = Assistant(default_core(), cast(Repository, repo), default_lang="en")
        settle_heap()  # as `sellerbot run` does once the bot is loaded

        def ours() -> App:
            return build_application(
                assistant,
                TOKEN,
                base_url=base_url,
                concurrent_updates=concurrency,
                # Telegram's flood limits (30 messages/s) would make this a bench of the
                # limiter; keep the limiter in the path but with its limits switched off.
                rate_limiter=RetryingRateLimiter(overall_max_rate=0, group_max_rate=0),
            )

        # Like for like: what ours calls in answer to each kind of update, recorded now.
        recorded: Recorded = await run_app(ours(), conn, 0, 1, True)
        again: Recorded = await run_app(same_app(base_url, concurrency, recorded), conn, 0, 1, True)
        if again != recorded:
            differ = [what for what in recorded if again.get(what) != recorded[what]]
            raise SystemExit(f"like-for-like check: the bare replies differ for {differ}")
        print(
            f"like-for-like check: the bare handlers' calls for the {len(recorded)} kinds of "
            "update equal ours, field by field",
            flush=True,
        )

        def same() -> App:
            return same_app(base_url, concurrency, recorded)

        echo, same_text, same_mixed = (
            "bare PTB echo (text)",
            "  bare PTB, same replies (text)",
            "  bare PTB, same replies (mixed)",
        )
        ours_text = "sellerbot (text questions)"
        ours_mixed = "sellerbot (mixed: questions, /start, walk, votes)"
        runs: list[tuple[str, Callable[[], App], bool]] = [
            (echo, lambda: echo_app(base_url, concurrency), False),
            (same_text, same, False),
            (ours_text, ours, False),
            (same_mixed, same, True),
            (ours_mixed, ours, True),
        ]
        for users in user_counts:
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in runs}
            for _name, make, mixed in runs:
                await run_app(make(), conn, 200, users, mixed)  # warm-up
            # interleaved rounds, so a busy neighbour on the machine hurts every run alike
            for _ in range(repeat):
                for name, make, mixed in runs:
                    rounds[name].append(await run_app(make(), conn, updates, users, mixed))
            results = {
                name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
                for name, rs in rounds.items()
            }
            print(
                f"\n{users} member(s) waiting for their replies "
                f"(median of {repeat} interleaved rounds)"
            )
            print(f"  {'run':52} {'updates/s':>10} {'median ms':>10} {'p99 ms':>8}")
            for name, r in results.items():
                print(f"  {name:52} {r['per_s']:10.0f} {r['median_ms']:10.2f} {r['p99_ms']:8.2f}")
            for label, key, like in (
                ("text", ours_text, same_text),
                ("mixed", ours_mixed, same_mixed),
            ):
                r = results[key]
                for bare_label, bare in (
                    ("echo (text)", results[echo]),
                    ("same replies", results[like]),
                ):
                    print(
                        f"  {label:5} vs bare {bare_label:12}: "
                        f"throughput {bare['per_s'] / r['per_s']:.2f}x, "
                        f"median {r['median_ms'] / bare['median_ms']:.2f}x, "
                        f"p99 {r['p99_ms'] / bare['p99_ms']:.2f}x"
                    )
                ratio = results[like]["per_s"] / r["per_s"]
                print(
                    f"  {'PASS' if ratio <= BUDGET else 'FAIL'} {label} ({users} member(s)): "
                    f"throughput {ratio:.2f}x of the bare PTB handlers' sending the same replies "
                    f"(budget {BUDGET}x; vs the bare echo: "
                    f"{results[echo]['per_s'] / r['per_s']:.2f}x)"
                )
        await repo.flush()
        await store.close()
    conn.send(("stop",))
    child.join(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=[1, 32],
        help="members waiting for replies at once; one run per value",
    )
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds per run")
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.users, args.concurrency, args.repeat))
