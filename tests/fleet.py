"""Several ``sellerbot run`` processes: Telegram webhook workers behind a load balancer, and
Discord shard processes on one gateway stand-in.

For the deployment test and the webhook bench. Each worker is a complete bot listening on its
own port (``TELEGRAM_WEBHOOK_PORT``), all on one database, all with the same webhook secret;
:class:`WebhookFleet` plays Telegram and the HTTP load balancer in front of them: it POSTs
each update to the next live worker and, when a worker does not take it (refused connection,
an error status), to the next one, as Telegram retries a webhook delivery that failed.
Each worker has its own Bot API stand-in, so what a worker sent can be told apart.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from dc_gateway import GatewayStandIn
from dc_harness import TOKEN as DISCORD_TOKEN
from processes import BotProcess, wait_for
from tg_standin import TOKEN, BotApiStandIn, Call

SECRET = "fleet-webhook-secret_1"
#: The address Telegram would call: the load balancer's (never contacted here).
PUBLIC_URL = "https://bot.example.com/telegram"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Worker:
    """One webhook worker: its process, its port and its Bot API stand-in."""

    index: int
    port: int
    standin: BotApiStandIn
    process: BotProcess
    taken: list[int] = field(default_factory=list)  # update ids this worker accepted

    @property
    def alive(self) -> bool:
        return self.process.alive


@dataclass
class Processes:
    """``n`` bot processes on ``database_url``, run in ``folder``, logging to ``log``; each
    gets ``salt`` and the settings in ``env`` besides its own."""

    n: int
    database_url: str
    folder: Path
    salt: str
    env: dict[str, str] = field(default_factory=dict)
    log_name: str = "bots.log"

    @property
    def log(self) -> Path:
        return self.folder / self.log_name

    def process(self, own: dict[str, str]) -> BotProcess:
        """One process (not started) with its ``own`` settings."""
        env = {"SELLERBOT_DATABASE_URL": self.database_url, **own, **self.env}
        return BotProcess(env, self.folder, self.log, salt=self.salt)


class WebhookFleet:
    """``n`` webhook workers; ``await post(update)`` delivers an update."""

    def __init__(self, n: int, database_url: str, folder: Path, *, salt: str,
                 env: dict[str, str] | None = None) -> None:  # fmt: skip
        self.setup = Processes(n, database_url, folder, salt, env or {}, "telegram-workers.log")
        self.log = self.setup.log
        self.workers: list[Worker] = []
        self._next = itertools.count()
        self._session: aiohttp.ClientSession | None = None
        self.refused = 0  # deliveries a worker did not take (retried on another)

    async def start(
        self, timeout: float = 60, prepare: Callable[[BotApiStandIn], None] | None = None
    ) -> None:
        """Start every worker and wait until each has set its webhook and listens.

        ``prepare`` is called with each worker's stand-in before the workers start (e.g. to
        put the messages their start-up work edits in place)."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=256), timeout=aiohttp.ClientTimeout(total=10)
        )
        for i in range(self.setup.n):
            standin = BotApiStandIn()
            await standin.start()
            if prepare is not None:
                prepare(standin)
            port = free_port()
            env = {
                "TELEGRAM_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": standin.base_url,
                "TELEGRAM_WEBHOOK_URL": PUBLIC_URL,
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                "TELEGRAM_WEBHOOK_PORT": str(port),
                "SELLERBOT_ROLE": f"telegram-worker-{i}",
            }
            process = self.setup.process(env)
            self.workers.append(Worker(i, port, standin, process))
        for w in self.workers:
            await w.process.start()
        for w in self.workers:
            ready = await wait_for(lambda w=w: bool(w.standin.calls_to("setWebhook")), timeout)  # type: ignore[misc]
            if not ready or not await self._listening(w.port, timeout):
                raise RuntimeError(f"webhook worker {w.index} did not start; see {self.log}")

    async def _listening(self, port: int, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            return True
        return False

    @property
    def standins(self) -> list[BotApiStandIn]:
        return [w.standin for w in self.workers]

    def calls(self, method: str) -> list[tuple[int, Call]]:
        """Every call of ``method`` the workers made: (worker index, call)."""
        return [(w.index, c) for w in self.workers for c in w.standin.calls if c.method == method]

    async def post(self, update: dict[str, Any]) -> int:
        """Deliver one update to the next live worker that takes it; its index.

        Raises:
            RuntimeError: No worker took it.
        """
        assert self._session is not None
        for _ in range(2 * len(self.workers)):
            w = self.workers[next(self._next) % len(self.workers)]
            if not w.alive:
                continue
            try:
                async with self._session.post(
                    f"http://127.0.0.1:{w.port}/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                ) as response:
                    if response.status == 200:
                        w.taken.append(int(update["update_id"]))
                        return w.index
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.refused += 1
        raise RuntimeError(f"no worker took update {update['update_id']}")

    async def stop(self) -> None:
        """SIGTERM every live worker, then stop the stand-ins and the client."""
        await asyncio.gather(*(w.process.terminate() for w in self.workers if w.alive))
        for w in self.workers:
            await w.standin.stop()
        if self._session is not None:
            await self._session.close()


class DiscordShards:
    """``count`` Discord shard processes (one shard each) on ``database_url``, all connected to
    one gateway stand-in (:attr:`server`), which dispatches each event to its guild's shard."""

    def __init__(self, count: int, database_url: str, folder: Path, *, salt: str,
                 env: dict[str, str] | None = None) -> None:  # fmt: skip
        self.setup = Processes(count, database_url, folder, salt, env or {}, "discord-shards.log")
        self.log = self.setup.log
        self.server = GatewayStandIn()
        self.processes: list[BotProcess] = []

    async def start(
        self, timeout: float = 60, prepare: Callable[[GatewayStandIn], None] | None = None
    ) -> None:
        """Start the stand-in and every shard process; wait until each shard is identified."""
        await self.server.start()
        if prepare is not None:
            prepare(self.server)
        gateway = f"ws{self.server.url.removeprefix('http')}/gateway"
        count = self.setup.n
        for shard in range(count):
            env = {
                "DISCORD_TOKEN": DISCORD_TOKEN,
                "DISCORD_API_BASE_URL": self.server.url,
                "DISCORD_GATEWAY_URL": gateway,
                "DISCORD_SHARD_COUNT": str(count),
                "DISCORD_SHARD_IDS": str(shard),
            }
            process = self.setup.process(env)
            self.processes.append(process)
            await process.start()
        await self.server.wait_shards(count, timeout)

    async def stop(self) -> None:
        """SIGTERM every live process, then stop the stand-in."""
        await asyncio.gather(*(p.terminate() for p in self.processes if p.alive))
        await self.server.stop()
