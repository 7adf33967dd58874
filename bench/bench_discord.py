"""Discord adapter overhead: injected interaction → its callback reaching the stand-in server.

Runs the real adapter (core, SQLite storage, embeds, components) and a bare discord.py command
that only answers "ok", against the same local stand-in REST server the tests use, and prints
interactions per second, median and p99 latency for each, and the ratio to the bare command.

    .venv/bin/python bench/bench_discord.py [--n 500] [--repeat 5] [--concurrency 32]

Cases run in interleaved rounds and each figure is the median over rounds, because a shared
two-core machine drifts; compare figures from one run only.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import discord
from discord import app_commands

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "discord"))

import dc_factory as factory  # noqa: E402
from dc_standin import StandIn  # noqa: E402

from bot.adapters.discord.client import SellerBot  # noqa: E402
from bot.assistant import Assistant  # noqa: E402
from bot.core.engine import default_core  # noqa: E402
from bot.storage import Repository, SqliteRepository  # noqa: E402
from bot.storage.cached import CachedPreferences  # noqa: E402

TOKEN = "bench.token"
Payload = Callable[[int], dict[str, Any]]


class Clock:
    """Matches callbacks arriving at the stand-in with the moment each interaction was fed in."""

    def __init__(self, standin: StandIn) -> None:
        self.sent: dict[int, float] = {}
        self.done: dict[int, asyncio.Future[float]] = {}
        standin.on_callback = self._arrived

    def start(self, interaction_id: int) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.done[interaction_id] = fut
        self.sent[interaction_id] = time.perf_counter()
        return fut

    def _arrived(self, interaction_id: int, at: float) -> None:
        fut = self.done.pop(interaction_id, None)
        if fut is not None and not fut.done():
            fut.set_result(at - self.sent.pop(interaction_id))


async def one(client: discord.Client, standin: StandIn, clock: Clock, payload: dict[str, Any]
              ) -> float:
    standin.expect(payload)
    fut = clock.start(int(payload["id"]))
    client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    return await asyncio.wait_for(fut, 5)


async def measure(client: discord.Client, standin: StandIn, make: Payload, n: int,
                  concurrency: int) -> dict[str, float]:
    standin.reset()  # forget what earlier cases recorded, so every case starts alike
    gc.collect()
    clock = Clock(standin)
    for i in range(min(100, n)):  # warm up caches and connections
        await one(client, standin, clock, make(i))
    latencies = [await one(client, standin, clock, make(i)) for i in range(n)]
    sem = asyncio.Semaphore(concurrency)

    async def limited(i: int) -> float:
        async with sem:
            return await one(client, standin, clock, make(i))

    t0 = time.perf_counter()
    await asyncio.gather(*(limited(i) for i in range(n)))
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "per_s": n / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


class OkButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ok:(?P<n>\d+)"):
    """The bare comparator for buttons: a DynamicItem that only answers "ok"."""

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: Any, /) -> OkButton:
        return cls(discord.ui.Button(label="ok", custom_id=item.custom_id))  # type: ignore[attr-defined]

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("ok")


class Bare(discord.Client):
    """A bare discord.py client: one command and one button, both answering "ok"."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ok", description="Answers ok")
        async def ok(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")

    async def setup_hook(self) -> None:
        self.add_dynamic_items(OkButton)


def _questions() -> list[str]:
    """Members' questions of every kind and language (tests/data), as a real channel sees."""
    import csv

    out: list[str] = []
    for path in sorted((Path(__file__).resolve().parents[1] / "tests" / "data").glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        out += [r[2][:200] for r in rows if len(r) == 3]
    return out


QUESTIONS = _questions()

OK_MESSAGE: dict[str, Any] = {
    **factory.fixture("member_message"), "author": {"id": "900000000000000001", "username": "b",
                                                    "discriminator": "0", "avatar": None},
    "content": "ok", "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "ok", "custom_id": "ok:1"}]}],
}


async def main(n: int, concurrency: int, repeat: int) -> None:
    import logging

    logging.basicConfig(level=logging.ERROR)
    standin = StandIn()
    await standin.start()
    discord.http._set_api_version(10)
    discord.http.Route.BASE = standin.base
    with tempfile.TemporaryDirectory() as tmp:
        repo = CachedPreferences(await SqliteRepository.open(Path(tmp) / "bench.db"))
        # the same cached storage view `sellerbot run` gives the adapters
        ours = SellerBot(Assistant(default_core(), cast(Repository, repo)))
        bare = Bare()
        await ours.login(TOKEN)
        await bare.login(TOKEN)

        walk_msg: dict[str, Any] = {}

        async def prepare_walk() -> None:
            payload = factory.slash("guide")
            standin.expect(payload)
            ours._connection.parse_interaction_create(payload)
            await asyncio.sleep(0.2)
            mid = next(c.response["interaction"]["response_message_id"]
                       for c in standin.callbacks(payload["id"]))
            walk_msg.update(standin.messages[int(mid)])

        await prepare_walk()
        cases: list[tuple[str, discord.Client, Payload]] = [
            ("bare /ok (discord.py only)", bare, lambda i: factory.slash("ok")),
            ("bare button (discord.py only)", bare,
             lambda i: factory.component(OK_MESSAGE, "ok:1")),
            ("/guide situation:<id>", ours,
             lambda i: factory.slash("guide", {"situation": "seller-cancel"})),
            ("/ask question:<text>", ours,
             lambda i: factory.slash("ask", {"question": QUESTIONS[i % len(QUESTIONS)]})),
            ("button: walk step", ours, lambda i: factory.component(walk_msg, "sb1:en:w:buyer")),
            ("autocomplete", ours,
             lambda i: factory.autocomplete("guide", "situation", "cancel")),
        ]
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in cases}
        for _ in range(repeat):  # interleaved, so drift in machine load hits every case alike
            for name, client, make in cases:
                rounds[name].append(await measure(client, standin, make, n, concurrency))
        results = [
            (name, {k: statistics.median(r[k] for r in runs) for k in runs[0]})
            for name, runs in rounds.items()
        ]
        bare_cmd, bare_button = results[0][1], results[1][1]
        print(f"{n} interactions per case and round, {repeat} rounds (medians of rounds); "
              f"throughput with {concurrency} in flight")
        print("ratio: median against the bare command (buttons: against the bare button)")
        print(f"{'case':<30} {'per s':>8} {'median ms':>10} {'p99 ms':>8} {'ratio':>6}")
        for name, r in results:
            base = bare_button if "button" in name else bare_cmd
            ratio = r["median_ms"] / base["median_ms"]
            print(f"{name:<30} {r['per_s']:>8.0f} {r['median_ms']:>10.2f} {r['p99_ms']:>8.2f} "
                  f"{ratio:>5.2f}x")
        await ours.close()
        await bare.close()
        await repo.close()
    await standin.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency, args.repeat))
