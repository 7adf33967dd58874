"""Fault bench: the real Telegram polling loop (``serve``) against the stand-in Bot API,
fed thousands of damaged updates with good ones among them.

    python bench/bench_faults.py [--updates 10000]

Prints: updates fed, exceptions that reached the error handler (each would be a traceback
from the bot's code), good questions answered (of those fed), getUpdates calls (a stalled
poller re-fetches the same updates hundreds of times a second), and the time taken.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import logging
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests" / "telegram"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from tg_fixtures import FUZZ_SEEDS, damage, payload  # noqa: E402
from tg_standin import TOKEN, BotApiStandIn  # noqa: E402

from bot.adapters.telegram.app import build_application  # noqa: E402
from bot.adapters.telegram.ratelimit import RetryingRateLimiter  # noqa: E402
from bot.adapters.telegram.run import serve  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.engine import default_core  # noqa: E402
from bot.storage import SqliteRepository  # noqa: E402

GOOD_EVERY = 100  # one well-formed question among this many updates


async def run(n: int) -> None:
    logging.disable(logging.WARNING)  # the skipped updates log a line each
    rng = random.Random(5)
    standin = BotApiStandIn()
    await standin.start()
    with tempfile.TemporaryDirectory() as tmp:
        repo = await SqliteRepository.open(Path(tmp) / "b.db")
        assistant = Assistant(default_core(), repo)
        app = build_application(
            assistant,
            TOKEN,
            base_url=standin.base_url,
            rate_limiter=RetryingRateLimiter(1e6, 1e6, backoff=0.01),
        )
        errors: list[BaseException] = []

        async def record(_update: object, context: Any) -> None:
            errors.append(context.error)

        app.add_error_handler(record)
        settings = load_settings(telegram_token=TOKEN, telegram_api_base_url=standin.base_url)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(app, settings, stop, retry_delay=0.1))
        while not standin.calls_to("getUpdates"):
            await asyncio.sleep(0.01)
        seeds = [payload(name) for name in FUZZ_SEEDS]
        good = 0
        started = time.perf_counter()
        for i in range(n):
            if i % GOOD_EVERY == 0:
                update = payload(
                    "private_text", text="my buyer wants to cancel the order", user_id=20_000 + i
                )
                good += 1
            else:
                update = damage(rng, copy.deepcopy(rng.choice(seeds)))
            update["update_id"] = 100_000 + i
            standin.push_update(update)
            if i % 500 == 499:
                await asyncio.sleep(0)  # let the poller run, as a live server would
        deadline = time.perf_counter() + 120
        answered = 0
        while time.perf_counter() < deadline:
            answered = sum(
                "cancel" in (m.get("text") or "").lower()
                for m in standin.sent()
                if 20_000 <= int(m.get("chat_id", 0)) < 20_000 + n
            )
            if answered >= good and not standin._updates:
                break
            await asyncio.sleep(0.05)
        took = time.perf_counter() - started
        stop.set()
        await asyncio.wait_for(task, 30)
        await repo.close()
    await standin.stop()
    logging.disable(logging.NOTSET)
    print(f"updates fed: {n} ({good} well-formed questions among them)")
    print(
        f"exceptions from handlers: {len(errors)}" + (f" (first: {errors[0]!r})" if errors else "")
    )
    print(f"questions answered: {answered}/{good}")
    print(f"getUpdates calls: {len(standin.calls_to('getUpdates'))}; time: {took:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--updates", type=int, default=10_000)
    asyncio.run(run(ap.parse_args().updates))


if __name__ == "__main__":
    main()
