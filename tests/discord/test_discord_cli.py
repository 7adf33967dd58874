"""``sellerbot discord sync [--guild ID]``: the only way commands reach Discord."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import discord
import pytest
from dc_standin import StandIn

from bot import cli

GUILD = "700000000000000001"


@pytest.fixture
def threaded_standin() -> Iterator[StandIn]:
    """The stand-in on its own loop in a thread, since the CLI runs its own event loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = StandIn()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(5)
    old = discord.http.Route.BASE
    try:
        yield server
    finally:
        discord.http.Route.BASE = old
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_cli_sync_to_one_server(
    threaded_standin: StandIn, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "stand-in-token")
    monkeypatch.setenv("DISCORD_API_BASE_URL", threaded_standin.url)
    assert cli.main(["discord", "sync", "--guild", GUILD]) == 0
    out = capsys.readouterr().out
    assert f"synced 10 commands to server {GUILD}" in out
    assert len(threaded_standin.commands[GUILD]) == 10
    assert "global" not in threaded_standin.commands
    assert [c.path for c in threaded_standin.calls][-1].endswith(f"/guilds/{GUILD}/commands")


def test_cli_sync_needs_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "")
    assert cli.main(["discord", "sync"]) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().out
