"""Malformed interactions, as the gateway delivers them: each costs itself, never the client."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
from collections.abc import Callable
from typing import Any

import dc_factory as factory
import pytest
from dc_harness import T, reply, sent, settle
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot


def _through_the_gateway(bot: SellerBot, payload: dict[str, Any]) -> None:
    """What discord.py's gateway does with an INTERACTION_CREATE event."""
    bot._connection.parsers["INTERACTION_CREATE"](payload)


def _malformed() -> list[dict[str, Any]]:
    modal = factory.modal_submit("sbd1:note:en:seller-cancel", {"text": "hi"})
    no_custom_id = copy.deepcopy(modal)
    del no_custom_id["data"]["custom_id"]
    component = factory.component({"id": "1", "components": []}, "sb1:en:s:seller-cancel")
    no_component_type = copy.deepcopy(component)
    del no_component_type["data"]["component_type"]
    no_data = copy.deepcopy(component)
    del no_data["data"]
    no_type = copy.deepcopy(factory.slash("guide"))
    del no_type["type"]
    wrong_types = copy.deepcopy(factory.slash("guide"))
    wrong_types["data"] = "not an object"
    wrong_ids = copy.deepcopy(factory.slash("guide"))
    wrong_ids["id"] = "not a snowflake"
    return [no_custom_id, no_component_type, no_data, no_type, wrong_types, wrong_ids]


@pytest.mark.parametrize("index", range(6))
async def test_a_malformed_interaction_is_dropped_and_the_next_answered(
    bot: SellerBot, inject: Any, standin: StandIn, index: int
) -> None:
    _through_the_gateway(bot, _malformed()[index])  # must not raise out of the gateway
    _kind, data = reply(await inject(bot, factory.slash("guide", {"situation": "seller-cancel"})))
    assert data["embeds"][0]["title"] == T("en", "seller-cancel.title")


async def test_random_damage_to_interactions_never_escapes(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    """A bounded fuzz: fields dropped or replaced by wrong types, 300 payloads."""
    rng = random.Random(7)
    seeds = [
        factory.slash("guide"),
        factory.slash("ask", {"question": "cancel?"}),
        factory.modal_submit("sbd1:note:en:seller-cancel", {"text": "x"}),
        factory.component({"id": "1", "components": []}, "sb1:en:s:seller-cancel"),
        factory.autocomplete("guide", "situation", "buy"),
    ]
    junk: list[Any] = [None, 0, -1, "", "x" * 300, [], {}, 1.5, True, "\ud800"]

    def damage(value: Any, depth: int = 0) -> Any:
        if isinstance(value, dict) and value:
            value = dict(value)
            key = rng.choice(list(value))
            if rng.random() < 0.4:
                del value[key]
            elif rng.random() < 0.5 or depth > 3:
                value[key] = rng.choice(junk)
            else:
                value[key] = damage(value[key], depth + 1)
        return value

    for _ in range(300):
        _through_the_gateway(bot, damage(copy.deepcopy(rng.choice(seeds))))
    await settle()
    _kind, data = reply(await inject(bot, factory.slash("guide", {"situation": "seller-cancel"})))
    assert data["embeds"][0]["title"] == T("en", "seller-cancel.title")


async def test_no_interaction_token_reaches_the_logs_even_at_debug(
    bot: SellerBot,
    inject: Any,
    capfd: pytest.CaptureFixture[str],
    logs_as_run: Callable[..., Any],
) -> None:
    from dc_harness import TOKEN

    logs_as_run("DEBUG", "text", secrets=[TOKEN])
    payload = factory.slash("guide", {"situation": "seller-cancel"})
    reply(await inject(bot, payload))
    reply(await inject(bot, factory.slash("ask", {"question": "x" * 3})))
    err = capfd.readouterr().err
    assert "/callback" in err  # the requests were logged ...
    assert payload["token"] not in err and TOKEN not in err  # ... without their tokens


async def test_a_button_pressed_too_late_is_no_error(
    bot: SellerBot, inject: Any, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refuses a reply after the 3-second window (10062): logged quietly, not as
    an unhandled exception."""
    caplog.set_level("INFO")
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    late = factory.component(guide, "sb1:en:s:ordered-by-mistake")
    bot._connection.parsers["INTERACTION_CREATE"](late)  # the stand-in never expected it
    await settle()
    assert standin.calls[-1].path.endswith("/callback") and standin.calls[-1].status == 404
    assert "expired before the reply" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_an_autocomplete_answered_too_late_is_one_quiet_line(
    bot: SellerBot, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """discord.py logs a failed autocomplete itself, with a traceback; an expired one (10062:
    the member typed on) is one INFO line, with no traceback."""
    caplog.set_level("INFO")
    late = factory.autocomplete("guide", "situation", "cancel")
    bot._connection.parsers["INTERACTION_CREATE"](late)  # the stand-in never expected it
    await settle()
    assert standin.calls[-1].path.endswith("/callback") and standin.calls[-1].status == 404
    assert "autocomplete expired before the reply" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


@pytest.mark.parametrize("faults", [[429], ["reset"], [429, "reset"]])
async def test_a_first_reply_hit_by_a_limit_or_a_dropped_line_is_tried_again(
    bot: SellerBot, inject: Any, standin: StandIn, faults: list[int | str]
) -> None:
    standin.callback_faults = list(faults)
    calls = await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}))
    callbacks = [c for c in calls if c.path.endswith("/callback")]
    assert [c.status for c in callbacks] == [*(429 if f == 429 else 0 for f in faults), 200]
    assert callbacks[-1].body["data"]["embeds"][0]["title"] == T("en", "seller-cancel.title")


async def test_a_first_reply_whose_answer_was_lost_is_not_sent_twice(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    standin.callback_faults = ["lost answer"]
    calls = await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}))
    callbacks = [c for c in calls if c.path.endswith("/callback")]
    # the retry finds it answered (40060): taken as done, and no error reaches the member
    assert [c.status for c in callbacks] == [0, 400]
    assert callbacks[-1].response["code"] == 40060
    assert not [c for c in calls if "/webhooks/" in c.path]  # nothing sent a second time


@pytest.mark.parametrize(
    "fault",
    [
        "server without member",
        "locale not text",
        "user id not a snowflake",
        "custom_id not text",
        "modal row not a list",
    ],
)
async def test_an_interaction_the_bot_cannot_answer_is_dropped_without_a_traceback(
    bot: SellerBot, standin: StandIn, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    """Found by bench/bench_operator.py: discord.py reads these payloads (no sender, a
    locale that is not text), and the bot's handlers then raised: 'command failed' with a
    traceback from bot code, for input no member can fix."""
    caplog.set_level("INFO")
    p = factory.slash("guide", {"situation": "seller-cancel"})
    if fault == "server without member":
        p["user"] = p.pop("member")["user"]  # discord.py takes the sender from "member" only
    elif fault == "locale not text":
        p["locale"] = 1.5
    elif fault == "user id not a snowflake":
        p["member"]["user"]["id"] = "me"
    elif fault == "modal row not a list":
        p = factory.modal_submit("sbd1:note:en:seller-cancel", {"text": "hi"}, moderator=True)
        p["data"]["components"][0]["components"] = True
    else:
        p = factory.component({"id": "1", "components": []}, "sb1:en:s:seller-cancel")
        p["data"]["custom_id"] = ["sb1:en:s:seller-cancel"]
    standin.expect(p)
    _through_the_gateway(bot, p)
    await settle()
    assert "dropped a malformed interaction" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    assert not [c for c in standin.calls if "/callback" in c.path]


async def test_an_unknown_command_is_a_warning_not_a_traceback(
    bot: SellerBot, inject: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    await inject(bot, factory.slash("no-such-command"))
    assert "unknown command" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


async def test_a_gateway_frame_with_a_lone_surrogate_costs_that_frame_not_the_client(
    assistant: Any,
) -> None:
    """Found by bench/bench_operator.py: orjson (which discord.py uses when installed)
    refuses the JSON escape of a lone surrogate; the error left the gateway loop and ended
    the client, so `sellerbot run` exited with code 1."""
    import asyncio

    import discord
    from dc_gateway import GatewayStandIn
    from dc_harness import start_bot

    server = GatewayStandIn()
    await server.start()
    old = discord.http.Route.BASE
    discord.http._set_api_version(10)
    discord.http.Route.BASE = server.base
    client = await start_bot(assistant)
    running = asyncio.create_task(client.connect(reconnect=False))
    try:
        await asyncio.wait_for(server.ready.wait(), 10)
        odd = factory.slash("ask", {"question": "cancel \ud800?"})  # sent as "\\ud800"
        await server.dispatch("INTERACTION_CREATE", odd)
        good = factory.slash("guide", {"situation": "seller-cancel"})
        server.expect(good)
        await server.dispatch("INTERACTION_CREATE", good)
        for _ in range(250):
            if server.callbacks(good["id"]) or running.done():
                break
            await asyncio.sleep(0.02)
        assert not running.done(), running.exception()
        _kind, data = reply(server.callbacks(good["id"]))
        assert data["embeds"][0]["title"] == T("en", "seller-cancel.title")
    finally:
        await client.close()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        discord.http.Route.BASE = old
        await server.stop()


TOKEN = "x" * 24 + "." + "y" * 6 + "." + "z" * 27


async def _until_shards(
    server: Any, n: int, running: list[asyncio.Task[None]], timeout: float = 10
) -> None:
    """Wait until ``n`` shard sessions are identified; fail at once if a run task ends."""
    waiting = asyncio.ensure_future(server.wait_shards(n, timeout))
    try:
        await asyncio.wait([waiting, *running], return_when=asyncio.FIRST_COMPLETED)
        for task in running:
            assert not task.done(), task.exception()
        await waiting
    finally:
        waiting.cancel()


async def test_a_gateway_url_that_is_not_a_websocket_address_stops_with_one_line(
    assistant: Any,
) -> None:
    from bot.adapters.discord.run import run_discord
    from bot.config import load_settings

    settings = load_settings(discord_token=TOKEN, discord_gateway_url="https://gw.example")
    with pytest.raises(SystemExit, match=r"^DISCORD_GATEWAY_URL must be a ws:// or wss://"):
        await run_discord(assistant, settings)


#: Servers on shard 0 and on shard 1 of 2: (guild_id >> 22) % 2.
GUILD_OF_SHARD = {0: 2 << 22, 1: 3 << 22}


async def test_a_process_runs_only_its_own_shards(assistant: Any) -> None:
    """DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS: this process identifies as shards 1 and 3
    of 4 (another process runs 0 and 2), each with its own gateway session, on the gateway
    DISCORD_GATEWAY_URL names (with a fixed shard count discord.py would otherwise connect
    to Discord's own)."""
    import discord
    from dc_gateway import GatewayStandIn

    from bot.adapters.discord.run import run_discord
    from bot.config import load_settings

    server = GatewayStandIn()
    await server.start()
    old = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    settings = load_settings(
        discord_token=TOKEN,
        discord_api_base_url=server.url,
        discord_gateway_url=f"ws{server.url.removeprefix('http')}/gateway",
        discord_shard_count=4,
        discord_shard_ids="3,1",
    )
    running = asyncio.create_task(run_discord(assistant, settings))
    try:
        # discord.py waits 5 s before a process's second IDENTIFY
        await _until_shards(server, 2, [running], timeout=15)
        assert sorted(server.shards) == [[1, 4], [3, 4]]
        assert sorted(server.sessions) == [1, 3]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await server.stop()
        discord.http.Route.BASE = old
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def test_two_shard_processes_each_answer_their_own_servers(assistant: Any) -> None:
    """Two `sellerbot run` shard processes (DISCORD_SHARD_IDS 0 and 1 of 2), here two
    run_discord tasks: each identifies as its shard, and an interaction from a server is sent
    on (and answered through) the session of that server's shard only."""
    import discord
    from dc_gateway import GatewayStandIn

    from bot.adapters.discord.run import run_discord
    from bot.config import load_settings

    assert {s: (g >> 22) % 2 for s, g in GUILD_OF_SHARD.items()} == {0: 0, 1: 1}
    server = GatewayStandIn()
    await server.start()
    old = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    running = [
        asyncio.create_task(
            run_discord(
                assistant,
                load_settings(
                    discord_token=TOKEN,
                    discord_api_base_url=server.url,
                    discord_gateway_url=f"ws{server.url.removeprefix('http')}/gateway",
                    discord_shard_count=2,
                    discord_shard_ids=ids,
                ),
            )
        )
        for ids in ("0", "1")
    ]
    try:
        await _until_shards(server, 2, running)
        assert sorted(server.shards) == [[0, 2], [1, 2]]
        for shard in (1, 0):
            p = factory.slash(
                "guide", {"situation": "seller-cancel"}, guild_id=GUILD_OF_SHARD[shard]
            )
            server.expect(p)
            await server.dispatch("INTERACTION_CREATE", p)
            assert server.dispatched[-1] == (shard, "INTERACTION_CREATE")
            for _ in range(250):
                if server.callbacks(p["id"]) or any(t.done() for t in running):
                    break
                await asyncio.sleep(0.02)
            for task in running:
                assert not task.done(), task.exception()
            _kind, data = reply(server.callbacks(p["id"]))
            assert data["embeds"][0]["title"] == T("en", "seller-cancel.title")
        # a direct message (no server) goes to shard 0
        dm = factory.slash("guide", {"situation": "seller-cancel"}, where="dm")
        assert server.shard_for("INTERACTION_CREATE", dm) == 0
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await server.stop()
        discord.http.Route.BASE = old
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
