"""Discord adapter overhead: injected interaction → its callback reaching the stand-in server.

Runs the real adapter (core, SQLite storage, embeds, components) and a bare discord.py command
that only answers "ok", against the same local stand-in REST server the tests use, and prints
interactions per second, median and p99 latency for each, and the ratio to the bare command.

The stand-in runs in its own process (Discord is remote), so the bot process spends its CPU on
the bot only: in one process, the stand-in's checking and echoing of each (large) answer would
be charged to the bot, and hardly at all to the bare "ok". ``--in-process`` runs it in the bot's
process, as the first version of this bench did. Arrival times are taken in the stand-in's
process on the same monotonic clock (CLOCK_MONOTONIC is system-wide).

    .venv/bin/python bench/bench_discord.py [--n 500] [--repeat 5] [--concurrency 32]
                                            [--in-process]

Cases run in interleaved rounds and each figure is the median over rounds, because a shared
two-core machine drifts; compare figures from one run only. The ratio pairs each of our
interactions with a bare one right after it (same moment, same machine), and is the median
over rounds of each round's median against the bare median of that round; the spread column
gives the lowest and highest round.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
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
#: Issue 12's budget: each case's throughput within this factor of the bare handler's.
BUDGET = 1.5
Payload = Callable[[int], dict[str, Any]]


class StandInProcess:
    """The stand-in server in a child process, driven over a pipe.

    The child reports each accepted first response as ("arrived", interaction id, time);
    every other request gets one reply, in order.
    """

    def __init__(self) -> None:
        self.on_callback: Callable[[int, float], None] | None = None
        self.base = ""

    async def start(self) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.proc = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child,), daemon=True
        )
        self.proc.start()
        self.base = self.conn.recv()
        self.replies: asyncio.Queue[Any] = asyncio.Queue()
        asyncio.get_running_loop().add_reader(self.conn.fileno(), self._incoming)

    def _incoming(self) -> None:
        while self.conn.poll():
            kind, *rest = self.conn.recv()
            if kind == "arrived":
                if self.on_callback is not None:
                    self.on_callback(rest[0], rest[1])
            else:
                self.replies.put_nowait(rest[0])

    async def _request(self, *message: Any) -> Any:
        self.conn.send(message)
        return await self.replies.get()

    async def expect(self, payloads: list[dict[str, Any]]) -> None:
        await self._request("expect", payloads)

    async def reset(self) -> None:
        await self._request("reset")

    async def response_message(self, interaction_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], await self._request("response_message", interaction_id))

    async def stop(self) -> None:
        asyncio.get_running_loop().remove_reader(self.conn.fileno())
        self.conn.send(("stop",))
        self.proc.join(10)


class StandInHere(StandInProcess):
    """The stand-in in the bot's own process (``--in-process``)."""

    async def start(self) -> None:
        self.standin = StandIn()
        await self.standin.start()
        self.base = self.standin.base
        self.standin.on_callback = lambda iid, at: self.on_callback and self.on_callback(iid, at)

    async def expect(self, payloads: list[dict[str, Any]]) -> None:
        for p in payloads:
            self.standin.expect(p)

    async def reset(self) -> None:
        self.standin.reset()

    async def response_message(self, interaction_id: str) -> dict[str, Any]:
        return _response_message(self.standin, interaction_id)

    async def stop(self) -> None:
        await self.standin.stop()


def _response_message(standin: StandIn, interaction_id: str) -> dict[str, Any]:
    mid = next(
        c.response["interaction"]["response_message_id"] for c in standin.callbacks(interaction_id)
    )
    return standin.messages[int(mid)]


def _serve(conn: Connection) -> None:
    """The child process: serve the stand-in until told to stop."""

    async def serve() -> None:
        standin = StandIn()
        await standin.start()
        standin.on_callback = lambda iid, at: conn.send(("arrived", iid, at))
        conn.send(standin.base)
        loop = asyncio.get_running_loop()
        stopped = loop.create_future()

        def incoming() -> None:
            while conn.poll():
                kind, *rest = conn.recv()
                if kind == "expect":
                    for payload in rest[0]:
                        standin.expect(payload)
                    conn.send(("ok", None))
                elif kind == "reset":
                    standin.reset()
                    conn.send(("ok", None))
                elif kind == "response_message":
                    conn.send(("ok", _response_message(standin, rest[0])))
                elif kind == "stop" and not stopped.done():
                    stopped.set_result(None)

        loop.add_reader(conn.fileno(), incoming)
        await stopped
        await standin.stop()

    logging.basicConfig(level=logging.ERROR)
    asyncio.run(serve())


class Clock:
    """Matches callbacks arriving at the stand-in with the moment each interaction was fed in."""

    def __init__(self, standin: StandInProcess) -> None:
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


async def one(client: discord.Client, clock: Clock, payload: dict[str, Any]) -> float:
    fut = clock.start(int(payload["id"]))
    client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    return await asyncio.wait_for(fut, 5)


async def measure(
    client: discord.Client,
    standin: StandInProcess,
    make: Payload,
    n: int,
    concurrency: int,
    pair: tuple[discord.Client, Payload] | None = None,
) -> dict[str, float]:
    """Median and p99 latency one at a time, then throughput with ``concurrency`` in flight.

    With ``pair`` (the bare client and its payloads), each interaction is followed by one of
    the bare command, so both meet the same moment's machine; ``ratio`` is then the case's
    median over the bare median of the same block.
    """
    await standin.reset()  # forget what earlier cases recorded, so every case starts alike
    gc.collect()
    clock = Clock(standin)
    latencies: list[float] = []
    bare: list[float] = []
    # Payloads are made and registered with the stand-in before the clock starts, in chunks
    # (an interaction is only valid for 3 seconds after its id was made).
    for start in range(-min(100, n), n, 200):  # negative: warm-up of caches and connections
        chunk = [make(i) for i in range(start, min(start + 200, n))]
        others = [pair[1](i) for i in range(start, min(start + 200, n))] if pair else []
        await standin.expect(chunk + others)
        for i, payload in enumerate(chunk, start):
            took = await one(client, clock, payload)
            if pair:
                other = await one(pair[0], clock, others[i - start])
            if i >= 0:
                latencies.append(took)
                if pair:
                    bare.append(other)
    loaded = [make(i) for i in range(n)]
    await standin.expect(loaded)
    sem = asyncio.Semaphore(concurrency)

    async def limited(payload: dict[str, Any]) -> float:
        async with sem:
            return await one(client, clock, payload)

    t0 = time.perf_counter()
    await asyncio.gather(*(limited(p) for p in loaded))
    elapsed = time.perf_counter() - t0
    latencies.sort()
    out = {
        "per_s": n / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }
    if pair:
        out["ratio"] = statistics.median(latencies) / statistics.median(bare)
    return out


class OkButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ok:(?P<n>\d+)"):
    """The bare comparator for buttons: a DynamicItem that only answers "ok"."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> OkButton:
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
    """Members' questions of every kind and language (the corpus), as a real channel sees."""
    from bot.core import corpus

    return [item.text[:200] for item in corpus.load()]


QUESTIONS = _questions()

OK_MESSAGE: dict[str, Any] = {
    **factory.fixture("member_message"),
    "author": {"id": "900000000000000001", "username": "b", "discriminator": "0", "avatar": None},
    "content": "ok",
    "components": [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "ok:1"}]}
    ],
}


async def main(n: int, concurrency: int, repeat: int, in_process: bool = False) -> None:
    logging.basicConfig(level=logging.ERROR)
    info = time.get_clock_info("perf_counter")
    if not in_process and "CLOCK_MONOTONIC" not in info.implementation:
        raise SystemExit(
            f"arrival times need a system-wide clock; perf_counter is {info}: use --in-process"
        )
    standin = StandInHere() if in_process else StandInProcess()
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
            await standin.expect([payload])
            ours._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
            await asyncio.sleep(0.2)
            walk_msg.update(await standin.response_message(payload["id"]))

        await prepare_walk()
        cases: list[tuple[str, discord.Client, Payload]] = [
            ("bare /ok (discord.py only)", bare, lambda i: factory.slash("ok")),
            (
                "bare button (discord.py only)",
                bare,
                lambda i: factory.component(OK_MESSAGE, "ok:1"),
            ),
            (
                "/guide situation:<id>",
                ours,
                lambda i: factory.slash("guide", {"situation": "seller-cancel"}),
            ),
            (
                "/ask question:<text>",
                ours,
                lambda i: factory.slash("ask", {"question": QUESTIONS[i % len(QUESTIONS)]}),
            ),
            ("button: walk step", ours, lambda i: factory.component(walk_msg, "sb1:en:w:buyer")),
            ("autocomplete", ours, lambda i: factory.autocomplete("guide", "situation", "cancel")),
        ]
        bare_for = {  # what each of our cases is paired with
            name: (bare, cases[1][2] if "button" in name else cases[0][2])
            for name, client, _ in cases
            if client is ours
        }
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in cases}
        for _ in range(repeat):  # interleaved, so drift in machine load hits every case alike
            for name, client, make in cases:
                rounds[name].append(
                    await measure(client, standin, make, n, concurrency, bare_for.get(name))
                )
        for name in bare_for:  # throughput ratio: the bare command's per second over ours
            bare_name = cases[1][0] if "button" in name else cases[0][0]
            for ours_round, bare_round in zip(rounds[name], rounds[bare_name], strict=True):
                ours_round["per_s_ratio"] = bare_round["per_s"] / ours_round["per_s"]
        results = [
            (name, {k: statistics.median(r[k] for r in runs) for k in runs[0]})
            for name, runs in rounds.items()
        ]
        where = "in the bot's process" if in_process else "in its own process"
        print(
            f"{n} interactions per case and round, {repeat} rounds (medians of rounds); "
            f"throughput with {concurrency} in flight; stand-in {where}"
        )
        print(
            "ratio: median latency over the bare command's (buttons: the bare button's), "
            "each of our interactions followed by a bare one; spread: lowest-highest round; "
            "per-s ratio: the bare command's throughput over ours, in the same round"
        )
        print(
            f"{'case':<30} {'per s':>8} {'median ms':>10} {'p99 ms':>8} {'ratio':>6} "
            f"{'spread':>12} {'per-s ratio':>12}"
        )
        for name, r in results:
            ratios = sorted(x["ratio"] for x in rounds[name]) if "ratio" in r else [1.0]
            print(
                f"{name:<30} {r['per_s']:>8.0f} {r['median_ms']:>10.2f} {r['p99_ms']:>8.2f} "
                f"{r.get('ratio', 1.0):>5.2f}x {ratios[0]:>5.2f}-{ratios[-1]:.2f}x "
                f"{r.get('per_s_ratio', 1.0):>11.2f}x"
            )
        print(f"budget: throughput within {BUDGET}x of the bare discord.py handler's")
        for name, r in results:
            if "per_s_ratio" in r:
                verdict = "PASS" if r["per_s_ratio"] <= BUDGET else "FAIL"
                print(
                    f"{verdict} {name}: throughput {r['per_s_ratio']:.2f}x of bare "
                    f"(latency {r['ratio']:.2f}x)"
                )
        await ours.close()
        await bare.close()
        await repo.close()
    await standin.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the stand-in in the bot's process (charges its work to the bot)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency, args.repeat, args.in_process))
