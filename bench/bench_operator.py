"""Operator bench: issue 10's targets measured through the real ``sellerbot run`` process.

Each measurement starts ``sellerbot run`` as an operator would (the console script of this
virtualenv, configured by environment variables only, in an empty working folder so no
``.env`` is read), pointed at the stand-in servers from ``tests/`` running in this process:

1. kill -9 at 200 Telegram updates/s: updates the stand-in handed out and the bot confirmed
   (a later getUpdates with a higher offset) but never answered, per kill (target <= 64); then
   SIGTERM while updates keep arriving: seconds to exit (target <= 5) and confirmed updates
   left unanswered (0).
2. Two processes on one SQLite file, each on its own stand-in Bot API, receiving "was this
   helpful" votes and language choices while this bench holds the database's write lock for
   longer than the busy timeout once: acknowledged (answerCallbackQuery without the "not
   saved" notice) but missing from the database (target 0).
3. Discord: 10,000 malformed gateway events and interactions through the gateway of the
   stand-in (``tests/discord/dc_gateway.py``), one good /guide among every 100: crashes,
   tracebacks from ``bot/`` in the log, good questions answered (all), a last one after.
4. Telegram: 10,000 malformed updates, one good question among every 100: crashes,
   tracebacks from ``bot/``, good questions answered, stalls (a batch not consumed in time).

    .venv/bin/python bench/bench_operator.py [--quick] [--only 1,2,3,4] [--keep-logs DIR]

Prints each target's figure and PASS/FAIL; exits 1 when any target fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import logging
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests", ROOT / "tests" / "telegram", ROOT / "tests" / "discord"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import dc_factory as factory  # noqa: E402
from dc_gateway import GatewayStandIn  # noqa: E402
from dc_harness import TOKEN as DISCORD_TOKEN  # noqa: E402
from processes import SELLERBOT, BotProcess, crash_lines, tracebacks, wait_for  # noqa: E402
from tg_fixtures import FUZZ_SEEDS, damage, payload  # noqa: E402
from tg_standin import TOKEN, BotApiStandIn, Call  # noqa: E402

from bot.core.engine import default_core  # noqa: E402
from bot.storage.values import hash_member_id  # noqa: E402

SALT = "operator-bench-salt"
SUPERGROUP = -1009876543210


@dataclass
class Result:
    target: str
    figure: str
    passed: bool


RESULTS: list[Result] = []
# a killed bot drops its connections mid-request: the stand-ins' server need not say so
logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)


def report(target: str, figure: str, passed: bool) -> None:
    RESULTS.append(Result(target, figure, passed))
    print(f"  {'PASS' if passed else 'FAIL'}  {target}: {figure}", flush=True)


class Feed:
    """Pushes updates at a steady rate, each from its own member in a private chat."""

    def __init__(self, standin: BotApiStandIn, rate: float, first_id: int = 1) -> None:
        self.standin = standin
        self.rate = rate
        self.next_id = first_id
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        started, sent = time.perf_counter(), 0
        while True:
            due = int((time.perf_counter() - started) * self.rate)
            while sent < due:
                uid = self.next_id
                self.standin.push_update(
                    payload(
                        "private_text",
                        text="my buyer wants to cancel the order, what do I do?",
                        user_id=member_of_update(uid),
                        update_id=uid,
                    )
                )
                self.next_id += 1
                sent += 1
            await asyncio.sleep(0.005)


def member_of_update(update_id: int) -> int:
    return 1_000_000 + update_id


@dataclass
class Ledger:
    """What the stand-in saw: the highest offset confirmed, and the updates answered."""

    confirmed_below: int = 0
    answered: set[int] = field(default_factory=set)
    get_updates: int = 0

    def on_call(self, call: Call) -> None:
        if call.method == "getUpdates":
            self.get_updates += 1
            self.confirmed_below = max(self.confirmed_below, int(call.params.get("offset") or 0))
        elif call.method == "sendMessage":
            self.answered.add(int(call.params["chat_id"]) - 1_000_000)

    def lost(self, since: int = 1) -> set[int]:
        """Confirmed updates from ``since`` on that were never answered."""
        return {i for i in range(since, self.confirmed_below) if i not in self.answered}


# -- 1: kill -9 and SIGTERM at 200 updates/s ------------------------------------------------
async def kill_and_stop(folder: Path, kills: int, seconds: float, rate: float) -> None:
    print(
        f"\n1. kill -9 at {rate:.0f} updates/s ({kills} kills, {seconds:.0f} s each), "
        "then SIGTERM under load",
        flush=True,
    )
    standin = BotApiStandIn()
    await standin.start()
    ledger = Ledger()
    standin.on_call = ledger.on_call
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": standin.base_url}
    log = folder / "kill.log"
    feed = Feed(standin, rate)
    feed.start()
    per_kill: list[int] = []
    lost_before: set[int] = set()
    try:
        for _ in range(kills):
            bot = BotProcess(env, folder, log)
            polls = ledger.get_updates
            await bot.start()
            await wait_for(lambda: ledger.get_updates > polls, 60)  # noqa: B023
            await asyncio.sleep(seconds)
            await bot.kill()
            await asyncio.sleep(0.3)  # requests already on the wire reach the stand-in
            lost = ledger.lost()
            per_kill.append(len(lost - lost_before))
            lost_before = lost
            print(
                f"     kill: {ledger.confirmed_below - 1} confirmed so far, "
                f"{len(ledger.answered)} answered, {per_kill[-1]} lost by this kill",
                flush=True,
            )
        report(
            "lost per kill -9 (<= 64)", f"max {max(per_kill)}, each {per_kill}", max(per_kill) <= 64
        )

        bot = BotProcess(env, folder, log)
        polls = ledger.get_updates
        await bot.start()
        await wait_for(lambda: ledger.get_updates > polls, 60)
        await asyncio.sleep(seconds)
        took = await bot.terminate()  # the feed goes on meanwhile
        await asyncio.sleep(0.3)
        left = ledger.lost() - lost_before
        report(
            "SIGTERM under load: seconds to exit (<= 5)",
            f"{took:.2f} s, exit code {bot.exit_code}",
            took <= 5 and bot.exit_code == 0,
        )
        report("SIGTERM: confirmed updates left unanswered (0)", str(len(left)), not left)
    finally:
        await feed.stop()
        await standin.stop()
    total, ours = tracebacks(log)
    report(
        "kill runs: tracebacks from bot/ in the log (0)",
        f"{len(ours)} (of {total} in all)",
        not ours,
    )


# -- 2: two processes, one SQLite file -----------------------------------------------------
@dataclass
class Press:
    """A button press sent to one process: a vote or a language choice."""

    kind: str  # "vote" or "lang"
    user_id: int
    value: str  # the vote's helpful flag ("1"/"0") or the language
    ref: str = ""  # the answer a vote is on: "<chat>:<message>"


async def two_processes(folder: Path, presses_each: int, rate: float) -> None:
    print(
        f"\n2. two processes on one SQLite file, {presses_each} presses each at "
        f"{rate:.0f}/s, the write lock held 6 s once",
        flush=True,
    )
    not_saved = {default_core().t(lang, "ui.not_saved") for lang in ("en", "id", "nl")}
    log = folder / "two.log"
    standins = [BotApiStandIn(), BotApiStandIn()]
    bots: list[BotProcess] = []
    for s in standins:
        await s.start()
        bots.append(
            BotProcess({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": s.base_url}, folder, log)
        )
    sent: dict[str, Press] = {}
    for bot in bots:
        await bot.start()
    await wait_for(lambda: all(s.calls_to("getUpdates") for s in standins), 60)

    async def press_on(n: int, s: BotApiStandIn) -> None:
        rng = random.Random(n)
        for i in range(presses_each):
            uid = 5_000_000 + n * 1_000_000 + i
            qid = f"p{n}-{i}"
            user = {"id": uid, "is_bot": False, "first_name": "M", "language_code": "en"}
            if i % 2 == 0:  # a vote under a guide, in one of many groups
                mid, chat = 10_000 + i, SUPERGROUP - n * 100_000 - i % 50
                helpful = rng.choice("1110")  # "not helpful" also posts the other answers
                data = f"sb1:en:f:seller-cancel.{helpful}"
                message = {
                    "message_id": mid,
                    "from": s.me,
                    "chat": {"id": chat, "type": "supergroup", "title": "Sellers"},
                    "date": int(time.time()),
                    "text": "Seller cancels",
                }
                sent[qid] = Press("vote", uid, helpful, f"{chat}:{mid}")
            else:  # a language chosen in the private chat, on the bot's /language message
                lang = rng.choice(["en", "id", "nl"])
                data = f"tg1:lang:{lang}"
                message = {
                    "message_id": 20_000 + i,
                    "from": s.me,
                    "date": int(time.time()),
                    "chat": {"id": uid, "type": "private", "first_name": "M"},
                    "text": "Choose a language",
                }
                s.messages[(uid, message["message_id"])] = dict(message)
                sent[qid] = Press("lang", uid, lang)
            s.push_update(
                {
                    "update_id": i + 1,
                    "callback_query": {
                        "id": qid,
                        "from": user,
                        "message": message,
                        "chat_instance": "1",
                        "data": data,
                    },
                }
            )
            await asyncio.sleep(1 / rate)

    async def hold_lock() -> float:
        await asyncio.sleep(presses_each / rate / 3)
        conn = sqlite3.connect(
            folder / "data" / "sellerbot.db", timeout=30, check_same_thread=False
        )
        # the write lock, as a long-running writer holds it (waited for in a thread: the
        # stand-ins go on answering meanwhile)
        await asyncio.to_thread(conn.execute, "BEGIN IMMEDIATE")
        held = time.perf_counter()
        await asyncio.sleep(6.0)  # past the bots' 5 s busy timeout
        conn.rollback()
        conn.close()
        return time.perf_counter() - held

    held, *_ = await asyncio.gather(hold_lock(), press_on(0, standins[0]), press_on(1, standins[1]))
    total = 2 * presses_each
    await wait_for(
        lambda: sum(len(s.calls_to("answerCallbackQuery")) for s in standins) >= total, 120
    )
    for bot in bots:
        await bot.terminate()
    acks = {
        c["callback_query_id"]: c.get("text")
        for s in standins
        for c in s.calls_to("answerCallbackQuery")
    }
    for s in standins:
        await s.stop()

    conn = sqlite3.connect(folder / "data" / "sellerbot.db")
    votes = {
        (u, a): h
        for u, a, h in conn.execute(
            "SELECT user_hash, answer_ref, helpful FROM feedback WHERE platform = 'telegram'"
        )
    }
    langs = dict(
        conn.execute(
            "SELECT user_hash, lang FROM member_prefs WHERE platform = 'telegram'"
        ).fetchall()
    )
    conn.close()
    lost = refused = 0
    for qid, press in sent.items():
        if qid not in acks:
            continue
        if acks[qid] in not_saved:
            refused += 1
            continue
        who = hash_member_id(SALT, "telegram", str(press.user_id))
        if press.kind == "vote":
            key = (who, hash_member_id(SALT, "telegram", f"answer:{press.ref}"))
            lost += votes.get(key) != int(press.value)
        else:
            lost += langs.get(who) != press.value
    acked = sum(1 for q in sent if q in acks and acks[q] not in not_saved)
    print(
        f"     {total} presses, {len(acks)} answered, {acked} confirmed, {refused} told "
        f"'not saved', lock held {held:.1f} s; exit codes {[b.exit_code for b in bots]}"
    )
    report(
        "two processes: acknowledged votes/choices lost (0)",
        f"{lost} of {acked}",
        lost == 0 and len(acks) == total,
    )
    _, ours = tracebacks(log)
    report("two processes: tracebacks from bot/ (0)", str(len(ours)), not ours)


# -- 3: Discord, malformed events through the gateway --------------------------------------
def _discord_damage(rng: random.Random, value: Any, depth: int = 0) -> Any:
    junk: list[Any] = [None, 0, -1, "", "x" * 300, [], {}, 1.5, True, "\ud800", 2**70]
    if isinstance(value, dict) and value:
        value = dict(value)
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.3:
            del value[key]
        elif roll < 0.6 or depth > 3:
            value[key] = rng.choice(junk)
        else:
            value[key] = _discord_damage(rng, value[key], depth + 1)
    elif isinstance(value, list) and value:
        value = list(value)
        i = rng.randrange(len(value))
        value[i] = _discord_damage(rng, value[i], depth + 1)
    return value


def _discord_seeds() -> list[tuple[str, dict[str, Any]]]:
    guide = factory.slash("guide", {"situation": "seller-cancel"})
    message = {
        "id": "730000000000000001",
        "channel_id": str(factory.CHANNEL_ID),
        "author": {
            "id": "900000000000000001",
            "username": "sellerbot",
            "discriminator": "0",
            "avatar": None,
            "bot": True,
        },
        "content": "",
        "embeds": [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
        "timestamp": "2026-01-01T00:00:00+00:00",
        "edited_timestamp": None,
        "flags": 0,
        "type": 20,
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "Yes", "custom_id": "sb1:en:f:seller-cancel.1"}
                ],
            }
        ],
    }
    return [
        ("INTERACTION_CREATE", guide),
        ("INTERACTION_CREATE", factory.slash("ask", {"question": "buyer wants to cancel"})),
        ("INTERACTION_CREATE", factory.modal_submit("sbd1:note:en:seller-cancel", {"text": "x"})),
        ("INTERACTION_CREATE", factory.component(message, "sb1:en:f:seller-cancel.1")),
        ("INTERACTION_CREATE", factory.autocomplete("guide", "situation", "buy")),
        ("INTERACTION_CREATE", factory.message_command("Answer with the guide", message)),
        (
            "GUILD_CREATE",
            {
                "id": str(factory.GUILD_ID),
                "name": "g",
                "channels": [],
                "members": [],
                "roles": [],
                "unavailable": False,
            },
        ),
        ("MESSAGE_CREATE", message),
        (
            "CHANNEL_CREATE",
            {
                "id": "740000000000000001",
                "type": 0,
                "guild_id": str(factory.GUILD_ID),
                "name": "c",
                "position": 0,
            },
        ),
        ("GUILD_DELETE", {"id": str(factory.GUILD_ID), "unavailable": True}),
    ]


async def discord_malformed(folder: Path, events: int) -> None:
    print(f"\n3. Discord: {events:,} malformed gateway events through the real client", flush=True)
    standin = GatewayStandIn()
    await standin.start()
    log = folder / "discord.log"
    bot = BotProcess(
        {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_BASE_URL": standin.url}, folder, log
    )
    await bot.start()
    if not await wait_for(lambda: standin.ready.is_set(), 60):
        report("Discord: the client connected to the gateway", "no IDENTIFY in 60 s", False)
        await bot.kill()
        await standin.stop()
        return
    await asyncio.sleep(2.5)  # discord.py waits for the (no) guilds before it is ready
    rng = random.Random(11)
    good = answered = 0
    started = time.perf_counter()

    async def good_question() -> bool:
        p = factory.slash("guide", {"situation": "seller-cancel"})
        standin.expect(p)
        await standin.dispatch("INTERACTION_CREATE", p)
        return await wait_for(
            lambda: bool([c for c in standin.callbacks(p["id"]) if c.status == 200]), 10
        )

    sent = 0
    while sent < events and bot.alive:
        for _ in range(min(99, events - sent)):
            event, data = rng.choice(_discord_seeds())  # fresh ids and tokens, as Discord's
            bad = _discord_damage(rng, data)
            if event == "INTERACTION_CREATE" and rng.random() < 0.5:
                with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                    standin.expect(bad)  # damaged, but Discord still expects an answer
            await standin.dispatch(event, bad)
            sent += 1
        good += 1
        answered += await good_question()
        if good % 20 == 0:
            standin.reset()  # keep the stand-in's records small
    took = time.perf_counter() - started
    last = bot.alive and await good_question()
    alive = bot.alive
    if alive:
        await bot.terminate()
    await standin.stop()
    total, ours = tracebacks(log)
    print(f"     {sent:,} malformed events in {took:.1f} s; exit code {bot.exit_code}")
    report("Discord: process crashes (0)", "0" if alive else f"1 (exit {bot.exit_code})", alive)
    report("Discord: tracebacks from bot/ (0)", f"{len(ours)} (of {total} in all)", not ours)
    report("Discord: good questions answered among them", f"{answered}/{good}", answered == good)
    report("Discord: a good question answered afterwards", "yes" if last else "no", bool(last))
    for block in ours[:2]:
        print(block)


# -- 4: Telegram, malformed updates --------------------------------------------------------


async def telegram_malformed(folder: Path, updates: int) -> None:
    print(f"\n4. Telegram: {updates:,} malformed updates through the real process", flush=True)
    standin = BotApiStandIn()
    await standin.start()
    ledger = Ledger()
    standin.on_call = ledger.on_call
    log = folder / "telegram.log"
    bot = BotProcess(
        {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": standin.base_url}, folder, log
    )
    await bot.start()
    await wait_for(lambda: ledger.get_updates > 0, 60)
    rng = random.Random(5)
    seeds = [payload(name) for name in FUZZ_SEEDS]
    good = answered = stalls = 0
    started = time.perf_counter()
    uid = 1
    while uid <= updates and bot.alive:
        batch_end = min(uid + 100, updates + 1)
        good_id = uid
        for i in range(uid, batch_end):
            if i == good_id:
                update = payload(
                    "private_text",
                    text="my buyer wants to cancel the order",
                    user_id=member_of_update(i),
                )
            else:
                update = damage(rng, copy.deepcopy(rng.choice(seeds)))
            update["update_id"] = i
            standin.push_update(update)
        good += 1
        # the batch is consumed (confirmed) and its good question answered, in time
        done = await wait_for(
            lambda good_id=good_id, batch_end=batch_end: (
                good_id in ledger.answered and ledger.confirmed_below >= batch_end
            ),
            10,
        )
        answered += good_id in ledger.answered
        stalls += not done
        uid = batch_end
        if good % 20 == 0:
            standin.reset_calls()
    took = time.perf_counter() - started
    polls = ledger.get_updates
    alive = bot.alive
    if alive:
        await bot.terminate()
    await standin.stop()
    total, ours = tracebacks(log)
    print(
        f"     {updates:,} updates in {took:.1f} s, {polls} getUpdates calls; "
        f"exit code {bot.exit_code}"
    )
    report("Telegram: process crashes (0)", "0" if alive else f"1 (exit {bot.exit_code})", alive)
    report("Telegram: tracebacks from bot/ (0)", f"{len(ours)} (of {total} in all)", not ours)
    report("Telegram: good questions answered", f"{answered}/{good}", answered == good)
    report("Telegram: stalls (batches not consumed within 10 s) (0)", str(stalls), stalls == 0)
    report(
        "Telegram: crash or unhandled-task lines in the log (0)",
        str(crash_lines(log)),
        crash_lines(log) == 0,
    )
    for block in ours[:2]:
        print(block)


# -- main ----------------------------------------------------------------------------------
async def run(args: argparse.Namespace) -> int:
    quick = args.quick
    only = {int(x) for x in args.only.split(",")} if args.only else {1, 2, 3, 4}
    steps: dict[int, Callable[[Path], Coroutine[Any, Any, None]]] = {
        1: lambda f: kill_and_stop(f, kills=2 if quick else 5, seconds=3 if quick else 5, rate=200),
        2: lambda f: two_processes(f, presses_each=300 if quick else 1500, rate=100),
        3: lambda f: discord_malformed(f, events=1_000 if quick else 10_000),
        4: lambda f: telegram_malformed(f, updates=1_000 if quick else 10_000),
    }
    if not SELLERBOT.exists():
        print(f"no {SELLERBOT}: install the project into this virtualenv first")
        return 2
    base = Path(tempfile.mkdtemp(prefix="sellerbot-operator-"))
    try:
        for n in sorted(only):
            folder = base / str(n)
            folder.mkdir()
            await steps[n](folder)
    finally:
        if args.keep_logs:
            keep = Path(args.keep_logs)
            keep.mkdir(parents=True, exist_ok=True)
            for log in base.glob("*/*.log"):
                shutil.copy(log, keep / log.name)
        shutil.rmtree(base, ignore_errors=True)
    failed = [r for r in RESULTS if not r.passed]
    print(
        f"\n{len(RESULTS) - len(failed)}/{len(RESULTS)} targets met"
        + (": " + "; ".join(r.target for r in failed) if failed else "")
    )
    return 1 if failed else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smaller run (about a minute)")
    ap.add_argument("--only", help="comma-separated measurements to run, e.g. 1,3")
    ap.add_argument("--keep-logs", help="copy the bot processes' logs into this folder")
    sys.exit(asyncio.run(run(ap.parse_args())))


if __name__ == "__main__":
    main()
