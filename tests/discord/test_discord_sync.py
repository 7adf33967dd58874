"""Command sync: the whole translated payload, validated by the stand-in in every locale."""

from __future__ import annotations

import copy
from typing import Any

import discord
import pytest
from dc_standin import LOCALES, StandIn, chat_name_ok

from bot.adapters.discord.client import SellerBot
from bot.adapters.discord.run import sync, sync_commands
from bot.config import Settings

GUILD = 700000000000000001
OUR_LOCALES = ("en-US", "en-GB", "id", "nl")


def _put(standin: StandIn) -> list[dict[str, Any]]:
    calls = standin.find("PUT", r"/commands$")
    assert calls and calls[-1].status == 200, calls[-1].response if calls else "no sync"
    body: list[dict[str, Any]] = calls[-1].body
    return body


async def test_global_sync_payload_valid_and_localised(bot: SellerBot, standin: StandIn) -> None:
    synced = await sync_commands(bot)
    assert {c.name for c in synced} == {
        "guide",
        "ask",
        "language",
        "situations",
        "pin",
        "mod",
        "pins",
        "reminders",
        "dashboard",
        "Answer with the guide",
    }
    assert standin.find("PUT", r"/applications/\d+/commands$")
    for cmd in _put(standin):
        for key in ("name_localizations", "description_localizations"):
            if cmd.get("type", 1) == 3 and key == "description_localizations":
                continue
            assert set(cmd[key]) == set(OUR_LOCALES), (cmd["name"], key)
            assert set(cmd[key]) <= LOCALES
        if cmd.get("type", 1) == 1:
            assert all(chat_name_ok(n) for n in cmd["name_localizations"].values())
        for opt in cmd.get("options", []):
            assert set(opt["name_localizations"]) == set(OUR_LOCALES)
            assert set(opt["description_localizations"]) == set(OUR_LOCALES)
            assert len(opt.get("choices", [])) <= 25
    by_name = {c["name"]: c for c in _put(standin)}
    assert by_name["guide"]["name_localizations"]["id"] == "panduan"
    assert by_name["guide"]["name_localizations"]["nl"] == "gids"
    assert by_name["Answer with the guide"]["name_localizations"]["nl"] == (
        "Beantwoorden met de gids"
    )
    pin = by_name["pin"]
    assert int(pin["default_member_permissions"]) == discord.Permissions(pin_messages=True).value
    assert pin["contexts"] == [0]  # servers only
    dashboard = by_name["dashboard"]
    assert (
        int(dashboard["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    )
    assert dashboard["contexts"] == [0]


async def test_guild_sync_copies_global_commands(bot: SellerBot, standin: StandIn) -> None:
    synced = await sync_commands(bot, GUILD)
    assert len(synced) == 10
    assert standin.find("PUT", rf"/guilds/{GUILD}/commands$")[-1].status == 200
    assert not standin.find("PUT", r"/applications/\d+/commands$")


async def test_sync_entry_point_uses_api_base_url(standin: StandIn) -> None:
    """``sellerbot discord sync`` logs in over REST only, at DISCORD_API_BASE_URL."""
    discord.http.Route.BASE = "https://discord.invalid/api/v10"
    settings = Settings(discord_token="t0ken", discord_api_base_url=standin.url)  # type: ignore[arg-type]
    synced = await sync(settings, GUILD)
    assert len(synced) == 10
    assert standin.base == discord.http.Route.BASE
    paths = [c.path for c in standin.calls]
    assert paths[:2] == ["/api/v10/users/@me", "/api/v10/oauth2/applications/@me"]
    assert not any("/gateway" in p for p in paths)


def _bad(mutate: Any) -> Any:
    def build(good: list[dict[str, Any]]) -> list[dict[str, Any]]:
        payload = copy.deepcopy(good)
        mutate(payload)
        return payload

    return build


def _first_chat(p: list[dict[str, Any]]) -> dict[str, Any]:
    return next(c for c in p if c.get("type", 1) == 1 and c.get("options"))


BAD = {
    "uppercase name": _bad(lambda p: p[0].update(name="Guide")),
    "space in name": _bad(lambda p: p[0].update(name="my guide")),
    "name over 32": _bad(lambda p: p[0].update(name="g" * 33)),
    "localized name invalid": _bad(lambda p: p[0]["name_localizations"].update(nl="De Gids")),
    "description over 100": _bad(lambda p: p[0].update(description="d" * 101)),
    "localized description over 100": _bad(
        lambda p: p[0]["description_localizations"].update(id="d" * 101)
    ),
    "unknown locale key": _bad(lambda p: p[0]["name_localizations"].update(en="guide")),
    "locale with underscore": _bad(lambda p: p[0]["name_localizations"].update(en_US="guide")),
    "26 options": _bad(
        lambda p: _first_chat(p).update(
            options=[{"type": 3, "name": f"o{i}", "description": "x"} for i in range(26)]
        )
    ),
    "26 choices": _bad(
        lambda p: _first_chat(p)["options"][0].update(
            autocomplete=False, choices=[{"name": f"c{i}", "value": f"{i}"} for i in range(26)]
        )
    ),
    "choices with autocomplete": _bad(
        lambda p: _first_chat(p)["options"][0].update(
            autocomplete=True, choices=[{"name": "a", "value": "a"}]
        )
    ),
    "option name uppercase": _bad(lambda p: _first_chat(p)["options"][0].update(name="Sit")),
    "context menu with description": _bad(
        lambda p: next(c for c in p if c.get("type") == 3).update(description="no")
    ),
    "over 8000 characters": _bad(
        lambda p: _first_chat(p).update(
            options=[
                {
                    "type": 3,
                    "name": f"o{i}",
                    "description": "d" * 100,
                    "choices": [{"name": "n" * 100, "value": "v" * 100} for _ in range(25)],
                }
                for i in range(2)
            ]
        )
    ),
    "16 message commands": _bad(
        lambda p: p.extend({"type": 3, "name": f"Menu {i}"} for i in range(16))
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
async def test_standin_rejects_what_discord_rejects(
    bot: SellerBot, standin: StandIn, case: str
) -> None:
    await sync_commands(bot)
    good = _put(standin)
    route = discord.http.Route("PUT", "/applications/{a}/commands", a=bot.application_id)
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(route, json=BAD[case](good))
    assert err.value.status == 400
    assert err.value.code == 50035
    assert standin.calls[-1].response["message"] == "Invalid Form Body"
    assert standin.calls[-1].response["errors"]
