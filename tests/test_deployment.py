"""Several bot processes on one PostgreSQL database, one of them killed half-way.

Three Telegram webhook workers (real ``sellerbot run`` processes behind a load balancer) and
two Discord shard processes (``fleet.py``), all on one PostgreSQL server started by the tests,
driven with a stream of questions, "was this helpful" votes and language choices while
deadline reminders fall due and pinned answers are outdated; Telegram worker 1 is killed with
SIGKILL half-way. Then:

- no vote or language choice the bot acknowledged (Telegram: answerCallbackQuery without the
  "not saved" notice; Discord: the private "thanks") is missing from the database;
- every question a live process took was answered;
- every reminder was sent, and none twice: each process claims the reminders it sends and
  renews the claim just before each send; the killed worker's claims run out after
  ``SELLERBOT_REMINDER_LEASE`` and another process sends them. The one exception is the
  reminder whose send was under way at the kill: Telegram had it and the database had not
  heard back, so it goes out again rather than never;
- every outdated pinned answer was edited exactly once (each process refreshes pins at
  start-up, one per community at a time, under a lease in the database).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dc_factory as factory
from dc_gateway import GatewayStandIn
from dc_standin import BOT_USER, PIN_MESSAGES
from fleet import DiscordShards, WebhookFleet
from pg import PostgresServer
from processes import tracebacks, wait_for
from tg_standin import BotApiStandIn

from bot.core.engine import default_core
from bot.storage import open_repository
from bot.storage.values import hash_member_id

SALT = "deployment-test-salt"
SECONDS = 12.0  # the stream's length; Telegram worker 1 is killed half-way
ENV = {"SELLERBOT_REMINDER_INTERVAL": "0.3", "SELLERBOT_REMINDER_LEASE": "3"}
VERSION = default_core().content_version
NOT_SAVED = {default_core().t(lang, "ui.not_saved") for lang in ("en", "id", "nl")}

GROUPS = [-1002000000000 - g for g in range(12)]  # Telegram groups, each with an outdated pin
PIN_ID = 4242
GUILDS = [(1000 + g) << 22 for g in range(6)]  # Discord servers, on shards 0, 1, 0, 1, ...
CHANNEL = {g: 730000000000000000 + i for i, g in enumerate(GUILDS)}
DC_PIN = {g: 740000000000000000 + i for i, g in enumerate(GUILDS)}
REMINDED = {"telegram": range(7_000_000, 7_000_060), "discord": range(7_100_000, 7_100_030)}


async def outdate_pins(url: str) -> None:
    """An outdated pinned answer in every group and server (before the processes start)."""
    repo = await open_repository(url, SALT)
    try:
        for chat in GROUPS:
            await repo.record_pin("telegram", str(chat), str(PIN_ID), "seller-cancel", "en", "old")
        for g in GUILDS:
            ref = f"{CHANNEL[g]}-{DC_PIN[g]}"
            await repo.record_pin("discord", str(g), ref, "seller-cancel", "en", "old")
    finally:
        await repo.close()


async def add_reminders(url: str) -> None:
    """Reminders falling due from 1 s from now to 2 s before the stream ends."""
    now = datetime.now(UTC)
    repo = await open_repository(url, SALT)
    try:
        for platform, users in REMINDED.items():
            for i, user in enumerate(users):
                at = now + timedelta(seconds=1 + i * (SECONDS - 3) / len(users))
                await repo.add_reminder(
                    platform, str(user), None, "buyer-cancel-request", "en",
                    at, now + timedelta(hours=40), requested_at=now - timedelta(hours=8),
                )  # fmt: skip
    finally:
        await repo.close()


def telegram_pins(standin: BotApiStandIn) -> None:
    for chat in GROUPS:
        standin.messages[(chat, PIN_ID)] = {
            "message_id": PIN_ID,
            "from": standin.me,
            "chat": {"id": chat, "type": "supergroup", "title": "Sellers"},
            "date": int(time.time()),
            "text": "An old version of the guide",
        }


def discord_pins(server: GatewayStandIn) -> None:
    for g in GUILDS:
        msg = server._message(CHANNEL[g], {"content": "An old guide"}, 0, mid=DC_PIN[g])
        msg["pinned"] = True
        server.pins[CHANNEL[g]] = [DC_PIN[g]]
        server.bot_permissions[CHANNEL[g]] = PIN_MESSAGES
        server.channels[CHANNEL[g]] = g


def tg_user(user: int) -> dict[str, Any]:
    return {"id": user, "is_bot": False, "first_name": "M", "language_code": "en"}


@dataclass
class Stream:
    """What was sent, and what each vote or choice was."""

    rng: random.Random = field(default_factory=lambda: random.Random(7))
    asked: dict[int, int] = field(default_factory=dict)  # Telegram update id -> member
    presses: dict[str, tuple[str, int, str, str]] = field(default_factory=dict)
    dc_asked: list[str] = field(default_factory=list)  # Discord interaction ids
    dc_votes: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    def telegram(self, n: int, me: dict[str, Any], standins: list[BotApiStandIn]) -> dict[str, Any]:
        """Update ``n``: a question, a vote in a group, or a language choice in private."""
        user = 5_000_000 + n
        if n % 3 == 0:
            self.asked[n] = user
            chat = {"id": user, "type": "private", "first_name": "M"}
            text = "my buyer wants to cancel the order, what do I do?"
            message = {"message_id": n, "from": tg_user(user), "chat": chat, "text": text}
            return {"update_id": n, "message": {**message, "date": int(time.time())}}
        if n % 3 == 1:
            chat_id, mid = GROUPS[n % len(GROUPS)], 10_000 + n
            helpful = self.rng.choice("1110")
            chat = {"id": chat_id, "type": "supergroup", "title": "Sellers"}
            data = f"sb1:en:f:seller-cancel.{helpful}"
            self.presses[f"q{n}"] = ("vote", user, helpful, f"{chat_id}:{mid}")
        else:
            mid, lang = 20_000 + n, self.rng.choice(["en", "id", "nl"])
            chat = {"id": user, "type": "private", "first_name": "M"}
            data = f"tg1:lang:{lang}"
            self.presses[f"q{n}"] = ("lang", user, lang, "")
        message = {"message_id": mid, "from": me, "chat": chat, "date": int(time.time())}
        message["text"] = "Seller cancels" if n % 3 == 1 else "Choose a language"
        for s in standins:  # a language choice edits the /language message in place
            s.messages[(chat["id"], mid)] = dict(message)
        query = {"id": f"q{n}", "from": tg_user(user), "message": message, "data": data}
        return {"update_id": n, "callback_query": {**query, "chat_instance": "1"}}

    def discord(self, n: int) -> dict[str, Any]:
        """Interaction ``n``: a question (/ask) or a vote under a guide, in one server."""
        guild, user = GUILDS[n % len(GUILDS)], 800000000000100000 + n
        if n % 2 == 0:
            ask = factory.slash("ask", {"question": "the buyer wants a refund, what now?"},
                                guild_id=guild, user_id=user)  # fmt: skip
            self.dc_asked.append(ask["id"])
            return ask
        mid, helpful = 750000000000000000 + n, self.rng.choice("1110")
        custom_id = f"sb1:en:f:seller-cancel.{helpful}"
        row = {"type": 2, "style": 2, "label": "Yes", "custom_id": custom_id}
        guide = {
            "id": str(mid), "channel_id": str(factory.CHANNEL_ID), "author": BOT_USER,
            "content": "", "embeds": [], "attachments": [], "mentions": [],
            "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
            "timestamp": "2026-01-01T00:00:00+00:00", "edited_timestamp": None, "flags": 0,
            "type": 0, "components": [{"type": 1, "components": [row]}],
        }  # fmt: skip
        vote = factory.component(guide, custom_id, guild_id=guild, user_id=user)
        self.dc_votes[vote["id"]] = (user, helpful, f"{factory.CHANNEL_ID}:{mid}")
        return vote


def rows(postgres: PostgresServer, database: str, sql: str) -> list[list[str]]:
    return [line.split("|") for line in postgres.psql(sql, database).splitlines()]


async def test_webhook_workers_and_shards_on_postgresql_one_killed_half_way(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.create_database("fleet")
    database = url.rsplit("/", 1)[1]
    await outdate_pins(url)
    telegram = WebhookFleet(3, url, tmp_path, salt=SALT, env=ENV)
    discord = DiscordShards(2, url, tmp_path, salt=SALT, env=ENV)
    stream = Stream()
    taken_by: dict[int, int] = {}
    try:
        await asyncio.gather(
            telegram.start(prepare=telegram_pins), discord.start(prepare=discord_pins)
        )
        killed = telegram.workers[1]
        # Worker 1's messages take 0.4 s to be answered, so when it is killed it is under way
        # with a reminder and holds claims on others: those must go out from other workers.
        killed.standin.answer_late("sendMessage", 0.4, times=10_000)
        me = telegram.standins[0].me
        await add_reminders(url)
        started, n = time.monotonic(), 0
        while time.monotonic() - started < SECONDS:
            n += 1
            if killed.alive and time.monotonic() - started > SECONDS / 2:
                await killed.process.kill()
            taken_by[n] = await telegram.post(stream.telegram(n, me, telegram.standins))
            if n % 3 == 0:
                interaction = stream.discord(n // 3)
                discord.server.expect(interaction)  # Discord awaits an answer to it
                await discord.server.dispatch("INTERACTION_CREATE", interaction)
            await asyncio.sleep(0.015)

        def pending() -> int:
            sql = "SELECT count(*) FROM reminders WHERE status = 'pending'"
            return int(postgres.psql(sql, database))

        deadline = time.monotonic() + 40
        while await asyncio.to_thread(pending) and time.monotonic() < deadline:
            await asyncio.sleep(0.3)
        left = await asyncio.to_thread(pending)
        survivors = [w for w in telegram.workers if w.alive]
        await wait_for(
            lambda: (
                {f"q{n}" for w in survivors for n in w.taken} & stream.presses.keys()
                <= {c.params["callback_query_id"] for _, c in telegram.calls("answerCallbackQuery")}
            ),
            20,
        )
        await wait_for(
            lambda: all(discord.server.callbacks(i) for i in [*stream.dc_asked, *stream.dc_votes]),
            20,
        )
    finally:
        await asyncio.gather(telegram.stop(), discord.stop())

    # -- Telegram: acknowledged votes and language choices are in the database
    acks = {
        c.params["callback_query_id"]: c.params.get("text")
        for _, c in telegram.calls("answerCallbackQuery")
    }
    votes = {
        (u, a): int(h)
        for u, a, h in rows(
            postgres, database, "SELECT user_hash, answer_ref, helpful FROM feedback"
        )
    }
    langs = dict(rows(postgres, database, "SELECT user_hash, lang FROM member_prefs"))
    acked = lost = 0
    for qid, (kind, user, value, ref) in stream.presses.items():
        if qid not in acks or acks[qid] in NOT_SAVED:
            continue
        acked += 1
        who = hash_member_id(SALT, "telegram", str(user))
        if kind == "vote":
            lost += votes.get((who, hash_member_id(SALT, "telegram", f"answer:{ref}"))) != int(
                value
            )
        else:
            lost += langs.get(who) != value
    in_killed = len({f"q{n}" for n in killed.taken} & stream.presses.keys())
    assert acked >= len(stream.presses) - in_killed
    assert lost == 0, f"{lost} of {acked} acknowledged votes or choices are not in the database"
    answered = {int(c.params["chat_id"]) for _, c in telegram.calls("sendMessage")}
    unanswered = [n for n, u in stream.asked.items() if taken_by[n] != 1 and u not in answered]
    assert not unanswered, f"questions never answered: {unanswered[:10]}"

    # -- Discord: every question answered, every acknowledged vote stored
    server = discord.server
    assert all(server.callbacks(i)[0].status == 200 for i in stream.dc_asked)
    dc_lost = 0
    for iid, (user, helpful, ref) in stream.dc_votes.items():
        [callback] = server.callbacks(iid)
        data = callback.body.get("data") or {}
        said = " ".join(e.get("description") or "" for e in data.get("embeds") or [])
        assert callback.status == 200 and not any(t in said for t in NOT_SAVED), said
        key = (
            hash_member_id(SALT, "discord", str(user)),
            hash_member_id(SALT, "discord", f"answer:{ref}"),
        )
        dc_lost += votes.get(key) != int(helpful)
    assert dc_lost == 0, f"{dc_lost} acknowledged Discord votes are not in the database"
    shards = Counter(shard for shard, event in server.dispatched if event == "INTERACTION_CREATE")
    assert shards[0] and shards[1], shards  # both shard processes answered their servers

    # -- reminders: every one sent, none twice (but the one under way at the kill)
    assert left == 0, f"{left} reminders still pending"
    tg_sent = Counter(
        u
        for _, c in telegram.calls("sendMessage")
        if (u := int(c.params["chat_id"])) in REMINDED["telegram"]
    )
    dc_sent = Counter({u: len(server.dms_to(u)) for u in REMINDED["discord"]})
    assert set(tg_sent) == set(REMINDED["telegram"]), "Telegram reminders never sent"
    assert set(+dc_sent) == set(REMINDED["discord"]), "Discord reminders never sent"
    by_worker = Counter(
        i
        for i, c in telegram.calls("sendMessage")
        if int(c.params["chat_id"]) in REMINDED["telegram"]
    )
    print(f"{n} updates; Telegram reminders sent by each worker: {dict(by_worker)}")
    assert by_worker[1] and by_worker[0] + by_worker[2]
    under_way = [
        u
        for i, c in telegram.calls("sendMessage")
        if i == 1 and (u := int(c.params["chat_id"])) in REMINDED["telegram"]
    ][-1]
    twice = {u: k for u, k in (tg_sent + dc_sent).items() if k > 1}
    assert not twice or twice == {under_way: 2}, f"reminders sent more than once: {twice}"

    # -- pinned answers: each outdated one edited exactly once, and recorded as current
    tg_edits = Counter(
        (int(c.params["chat_id"]), int(c.params["message_id"]))
        for _, c in telegram.calls("editMessageText")
        if int(c.params["message_id"]) == PIN_ID
    )
    assert tg_edits == {(chat, PIN_ID): 1 for chat in GROUPS}
    dc_edits = Counter(
        c.path for c in server.find("PATCH", r"^/api/v10/channels/\d+/messages/\d+$")
    )
    assert dc_edits == {f"/api/v10/channels/{CHANNEL[g]}/messages/{DC_PIN[g]}": 1 for g in GUILDS}
    assert rows(postgres, database, "SELECT DISTINCT content_version FROM pins") == [[VERSION]]

    for log in (telegram.log, discord.log):
        _, ours = tracebacks(log)
        assert not ours, ours[0]
