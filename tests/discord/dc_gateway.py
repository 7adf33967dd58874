"""The Discord stand-in with a gateway, so a real ``sellerbot run`` process can connect to it.

:class:`GatewayStandIn` is the REST stand-in (:class:`dc_standin.StandIn`) that also answers
``GET /gateway/bot`` and serves the gateway's websocket at ``/gateway``: HELLO, READY after
IDENTIFY, heartbeat acks, and whatever events the caller dispatches (plain JSON text frames,
which discord.py reads as it reads compressed ones). One session at a time; enough for the
operator bench, not a model of resuming or sharding.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from dc_standin import API, APP_ID, BOT_USER, StandIn


class GatewayStandIn(StandIn):
    """REST and gateway on one port. ``await dispatch(event, data)`` sends an event."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.socket: web.WebSocketResponse | None = None
        self.ready = asyncio.Event()
        self.identified = 0
        #: The ``shard`` each IDENTIFY asked for ([id, count]), in order.
        self.shards: list[list[int]] = []
        self._seq = 0

    async def dispatch(self, event: str, data: Any) -> None:
        """Send one DISPATCH (op 0) event to the connected client."""
        if self.socket is None or self.socket.closed:
            raise ConnectionError("no client is connected to the gateway")
        self._seq += 1
        await self.socket.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

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
                self.socket = ws
                self._seq = 0
                await self.dispatch(
                    "READY",
                    {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [],
                        "session_id": "stand-in",
                        "resume_gateway_url": f"ws{self.url.removeprefix('http')}/gateway",
                        "shard": shard,
                        "application": {"id": str(APP_ID), "flags": 0},
                    },
                )
                self.ready.set()
        if self.socket is ws:
            self.socket = None
            self.ready.clear()
        return ws
