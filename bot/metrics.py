"""Operators' view of a running process: Prometheus metrics and a health check over HTTP.

Metrics are prometheus-client's (the Prometheus project's own library, with the process's CPU
and memory collectors); aiohttp, already installed for discord.py, serves them with no
framework of our own. Set ``SELLERBOT_METRICS_PORT`` to serve ``/metrics`` and ``/healthz``
on ``SELLERBOT_METRICS_LISTEN`` (loopback by default). With several processes, each serves
its own; Prometheus adds them up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

log = logging.getLogger(__name__)

UPDATES = Counter(
    "sellerbot_updates_total", "Updates (messages, presses, interactions) taken in", ["platform"]
)
ANSWERS = Counter(
    "sellerbot_answers_total",
    "Answers given, by kind, situation and language",
    ["platform", "kind", "situation", "lang"],
)
ERRORS = Counter("sellerbot_errors_total", "Updates whose handling failed", ["platform"])
ANSWER_SECONDS = Histogram(
    "sellerbot_answer_seconds",
    "Time to compose an answer in the process, storage included, in seconds",
    ["platform"],
    buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
REMINDERS_DUE = Gauge("sellerbot_reminders_due", "Reminders found due at the last check")
REMINDERS_SENT = Counter("sellerbot_reminders_sent_total", "Reminders delivered", ["late"])

#: What the health check reports: each part's name and whether it is running.
Health = Callable[[], Mapping[str, bool]]


def app(health: Health, role: str | None = None) -> web.Application:
    """The HTTP app: ``GET /metrics`` (Prometheus text format) and ``GET /healthz`` (200 with
    every part running, 503 otherwise; JSON ``{"status", "role", "parts"}``)."""

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_request: web.Request) -> web.Response:
        parts = dict(health())
        ok = all(parts.values())
        body = {"status": "ok" if ok else "failing", "role": role, "parts": parts}
        return web.Response(
            status=200 if ok else 503, text=json.dumps(body), content_type="application/json"
        )

    application = web.Application()
    application.router.add_get("/metrics", metrics)
    application.router.add_get("/healthz", healthz)
    return application


async def serve(listen: str, port: int, health: Health, role: str | None = None) -> web.AppRunner:
    """Start serving :func:`app` on ``listen:port``; stop it with ``await runner.cleanup()``.

    Raises:
        OSError: When the address cannot be bound (in use, not permitted).
    """
    runner = web.AppRunner(app(health, role), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    log.info("metrics and health served", extra={"listen": listen, "port": port})
    return runner
