"""Fixtures: a stand-in Discord REST server and a real discord.py client logged in to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from databases import TestDatabases
from dc_harness import settle, start_bot
from dc_standin import Call, StandIn

from bot.adapters.discord.client import SellerBot
from bot.assistant import Assistant
from bot.core.engine import default_core
from bot.storage.sql import SqlRepository


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """The stand-in server, with discord.http.Route.BASE pointed at it."""
    server = StandIn()
    await server.start()
    old = discord.http.Route.BASE
    discord.http._set_api_version(10)
    discord.http.Route.BASE = server.base  # after _set_api_version, which overwrites it
    try:
        yield server
    finally:
        discord.http.Route.BASE = old
        await server.stop()
    # Every message the bot sent or edited pings nobody.
    for body in server.sent_bodies():
        assert body.get("allowed_mentions") == {"parse": []}, body


@pytest.fixture
async def repo(tmp_path: Path, databases: TestDatabases) -> AsyncIterator[SqlRepository]:
    async with await databases.open(tmp_path / "sellerbot.db", salt="test") as repository:
        yield repository


@pytest.fixture
def assistant(repo: SqlRepository) -> Assistant:
    return Assistant(default_core(), repo)


@pytest.fixture
async def bot(standin: StandIn, assistant: Assistant) -> AsyncIterator[SellerBot]:
    client = await start_bot(assistant)
    try:
        yield client
    finally:
        await client.close()


Inject = Callable[..., Any]


@pytest.fixture
def inject(standin: StandIn) -> Inject:
    """Feed an INTERACTION_CREATE payload to a client; return the REST calls it caused."""

    async def run(client: SellerBot, payload: dict[str, Any]) -> list[Call]:
        before = len(standin.calls)
        standin.expect(payload)
        client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await settle()
        return standin.calls[before:]

    return run
