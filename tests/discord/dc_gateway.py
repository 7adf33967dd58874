"""The Discord stand-in with a gateway, so a real ``sellerbot run`` process can connect to it.

:class:`GatewayStandIn` is the REST stand-in (:class:`dc_standin.StandIn`) that also answers
``GET /gateway/bot`` and serves the gateway's websocket at ``/gateway``: HELLO, READY after
IDENTIFY, heartbeat acks, and whatever events the caller dispatches (plain JSON text frames,
which discord.py reads as it reads compressed ones).

Sharding as Discord does it, enough for shard processes: one session per shard, keyed by the
``shard`` ([id, count]) its IDENTIFY asked for ([0, 1] without one), and each event sent on
the session of its server's shard, ``(guild_id >> 22) % shard_count`` (events outside a
server, such as DMs, on shard 0). The sessions may come from one client or from several
processes. Not a model of resuming, of session start limits or of the 5 s between IDENTIFYs.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from dc_standin import API, APP_ID, BOT_USER, StandIn

#: Events that name their server by ``id``, not ``guild_id``.
_GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


class GatewayStandIn(StandIn):
    """REST and gateway on one port. ``await dispatch(event, data)`` sends an event on the
    session of its shard; ``await wait_shards(n)`` waits for n shard sessions."""

    def __post_init__(self) -> None:
        super().__post_init__()
        #: The open sessions, by shard id (a shard that identifies again replaces its own).
        self.sessions: dict[int, web.WebSocketResponse] = {}
        #: The shard count the sessions identified with (the latest IDENTIFY's).
        self.shard_count = 1
        #: Set while at least one session is identified.
        self.ready = asyncio.Event()
        self.identified = 0
        #: The ``shard`` each IDENTIFY asked for ([id, count]), in order.
        self.shards: list[list[int]] = []
        #: (shard id, event) of every event dispatched, in order; ``reset`` forgets them.
        self.dispatched: list[tuple[int, str]] = []
        self._seq: dict[int, int] = {}
        self._changed = asyncio.Event()

    @property
    def socket(self) -> web.WebSocketResponse | None:
        """The session of shard 0, else any open one (the only one, for one-shard clients)."""
        if 0 in self.sessions:
            return self.sessions[0]
        return next(iter(self.sessions.values()), None)

    def shard_for(self, event: str, data: Any) -> int:
        """The shard Discord sends ``event`` on: its server's, ``(guild_id >> 22) %
        shard_count``; 0 for events outside a server (DMs) or without a readable id."""
        key = "id" if event in _GUILD_EVENTS else "guild_id"
        try:
            guild = int(data[key])
        except (KeyError, IndexError, TypeError, ValueError, OverflowError):
            return 0
        return (guild >> 22) % max(self.shard_count, 1)

    async def dispatch(self, event: str, data: Any, shard: int | None = None) -> None:
        """Send one DISPATCH (op 0) event on the session of ``shard``; by default, of the
        shard Discord would pick for it (:meth:`shard_for`).

        Raises:
            ConnectionError: When no session of that shard is open.
        """
        if shard is None:
            shard = self.shard_for(event, data)
        ws = self.sessions.get(shard)
        if ws is None or ws.closed:
            raise ConnectionError(f"no client is connected to the gateway as shard {shard}")
        self._seq[shard] = self._seq.get(shard, 0) + 1
        self.dispatched.append((shard, event))
        frame = {"op": 0, "t": event, "s": self._seq[shard], "d": data}
        await ws.send_str(json.dumps(frame))

    async def wait_shards(self, n: int, timeout: float = 10.0) -> None:
        """Wait until ``n`` distinct shards have an identified session.

        Raises:
            TimeoutError: When they have not after ``timeout`` seconds.
        """

        async def enough() -> None:
            while len(self.sessions) < n:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(enough(), timeout)

    def reset(self) -> None:
        super().reset()
        self.dispatched.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/gateway":
            return await self._session(request)
        if request.method == "GET" and request.path == f"{API}/gateway/bot":
            body = {
                "url": f"ws{self.url.removeprefix('http')}/gateway",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 16,  # shards identify at once: no 5 s waits
                },
            }
            # discord.py reads JSON only under exactly "application/json" (no charset)
            return web.Response(
                body=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
            )
        return await super()._handle(request)

    async def _session(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        shard_id: int | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:  # heartbeat
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:  # identify
                    self.identified += 1
                    shard = (frame.get("d") or {}).get("shard") or [0, 1]
                    self.shards.append(shard)
                    shard_id, self.shard_count = int(shard[0]), int(shard[1])
                    self.sessions[shard_id] = ws
                    self._seq[shard_id] = 0
                    await self.dispatch(
                        "READY",
                        {
                            "v": 10,
                            "user": BOT_USER,
                            "guilds": [],
                            "session_id": f"stand-in-{shard_id}",
                            "resume_gateway_url": f"ws{self.url.removeprefix('http')}/gateway",
                            "shard": shard,
                            "application": {"id": str(APP_ID), "flags": 0},
                        },
                        shard=shard_id,
                    )
                    self.ready.set()
                    self._changed.set()
        finally:
            if shard_id is not None and self.sessions.get(shard_id) is ws:
                del self.sessions[shard_id]
                if not self.sessions:
                    self.ready.clear()
                self._changed.set()
        return ws
