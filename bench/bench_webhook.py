"""Webhook bench: updates per second through Telegram webhook workers, 1, 2 and 4 of them.

Each configuration starts real ``sellerbot run`` processes in webhook mode (``tests/fleet.py``:
each a complete bot on its own port, behind this bench as the load balancer, each with its own
Bot API stand-in) on one database: SQLite with one worker, then PostgreSQL (a throw-away
server from the machine's Debian packages, ``tests/pg.py``) with 1, 2 and 4 workers. The
driver keeps ``--window`` questions posted but not yet answered (each from a new member, so
each is routed and stored afresh) and counts answers per second over ``--seconds``.

The flood limit is off (``TELEGRAM_MAX_MESSAGES_PER_SECOND=0``): this measures what the
processes can do, not Telegram's 30 messages a second. The database's share is CPU time:
PostgreSQL's server processes over theirs plus the workers' (SQLite runs inside the worker).

    .venv/bin/python bench/bench_webhook.py [--seconds 10] [--window 64] [--workers 1,2,4]

Target (issue 14): two workers on PostgreSQL reach at least 1.7x one worker's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT / "tests", ROOT / "tests" / "telegram", ROOT / "tests" / "discord"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from fleet import WebhookFleet  # noqa: E402
from pg import PostgresServer  # noqa: E402
from tg_standin import Call  # noqa: E402

SALT = "webhook-bench-salt"
QUESTIONS = [
    "my buyer wants to cancel the order, what do I do?",
    "buyer asked for a refund after I delivered, how do I handle it",
    "I can't finish this order in time, how do I cancel it myself?",
    "the buyer ordered the wrong package by mistake",
    "buyer keeps asking for more revisions and rejects the delivery",
    "will a cancellation hurt my completion rate?",
]
TICKS = os.sysconf("SC_CLK_TCK")
logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes still running."""
    seconds: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return seconds


def used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes in both (one that ended
    meanwhile, such as a database connection closed by the pool, is left out)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def postgres_pids(server: PostgresServer) -> list[int]:
    """The server's postmaster and every process it started (backends, writers)."""
    master = int((server.data / "postmaster.pid").read_text().split()[0])
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if parent == master:
                pids.append(int(entry.name))
    return pids


class Driver:
    """Keeps ``window`` questions unanswered at a time; counts the answers."""

    def __init__(self, fleet: WebhookFleet, window: int) -> None:
        self.fleet = fleet
        self.window = asyncio.Semaphore(window)
        self.waiting: dict[int, asyncio.Future[None]] = {}
        self.answered = 0
        self.next = 0
        for s in fleet.standins:
            s.on_call = self._on_call

    def _on_call(self, call: Call) -> None:
        if call.method == "sendMessage":
            future = self.waiting.pop(int(call.params["chat_id"]), None)
            if future is not None and not future.done():
                self.answered += 1
                future.set_result(None)

    async def _one(self) -> None:
        self.next += 1
        n = self.next
        member = 10_000_000 + n
        future = asyncio.get_running_loop().create_future()
        self.waiting[member] = future
        update = {
            "update_id": n,
            "message": {
                "message_id": n,
                "from": {"id": member, "is_bot": False, "first_name": "M", "language_code": "en"},
                "chat": {"id": member, "type": "private", "first_name": "M"},
                "date": int(time.time()),
                "text": QUESTIONS[n % len(QUESTIONS)],
            },
        }
        try:
            await self.fleet.post(update)
            await asyncio.wait_for(future, 30)
        finally:
            self.waiting.pop(member, None)
            self.window.release()

    async def run(self, seconds: float) -> None:
        tasks: set[asyncio.Task[None]] = set()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await self.window.acquire()
            task = asyncio.create_task(self._one())
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def measure(
    label: str,
    workers: int,
    url: str | None,
    folder: Path,
    seconds: float,
    window: int,
    server: PostgresServer | None,
) -> float:
    env = {"TELEGRAM_MAX_MESSAGES_PER_SECOND": "0", "SELLERBOT_LOG_LEVEL": "WARNING"}
    fleet = WebhookFleet(
        workers, url or str(folder / "data" / "sellerbot.db"), folder, salt=SALT, env=env
    )
    await fleet.start()
    try:
        await Driver(fleet, window).run(2.0)  # warm up: imports, connections, caches
        driver = Driver(fleet, window)
        pids = [w.process.proc.pid for w in fleet.workers if w.process.proc is not None]
        db_pids = postgres_pids(server) if server is not None else []
        bot_before, db_before = cpu_seconds(pids), cpu_seconds(db_pids)
        own_cpu = time.process_time()
        started = time.perf_counter()
        await driver.run(seconds)
        took = time.perf_counter() - started
        bot_cpu = used(bot_before, cpu_seconds(pids))
        db_cpu = used(db_before, cpu_seconds(db_pids))
        own_cpu = time.process_time() - own_cpu
    finally:
        await fleet.stop()
    rate = driver.answered / took
    share = f"{100 * db_cpu / (db_cpu + bot_cpu):4.1f} %" if server is not None else "in-process"
    print(
        f"  {label:<28} {rate:7.1f} updates/s   CPU: workers {bot_cpu:5.1f} s, "
        f"database {db_cpu:5.1f} s (share {share}), this driver and stand-ins {own_cpu:4.1f} s",
        flush=True,
    )
    return rate


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(f"Telegram webhook workers, {args.seconds:.0f} s each, {args.window} in flight:")
    with tempfile.TemporaryDirectory(prefix="sellerbot-webhook-") as tmp:
        base = Path(tmp)
        (base / "sqlite").mkdir()
        await measure("SQLite, 1 worker", 1, None, base / "sqlite", args.seconds, args.window, None)
        rates: dict[int, float] = {}
        with PostgresServer() as server:
            for n in counts:
                folder = base / f"pg{n}"
                folder.mkdir()
                url = server.create_database("bench")
                label = f"PostgreSQL, {n} worker{'s' if n > 1 else ''}"
                rates[n] = await measure(label, n, url, folder, args.seconds, args.window, server)
    one = rates.get(1)
    for n, rate in rates.items():
        if one and n > 1:
            print(f"  {n} workers / 1 worker: {rate / one:.2f}x")
    if one and 2 in rates:
        ok = rates[2] / one >= 1.7
        print(f"  {'PASS' if ok else 'FAIL'}  2 workers >= 1.7x 1 worker: {rates[2] / one:.2f}x")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
