"""The moderator groups in the synced payload: permissions, servers only, names in every locale."""

from __future__ import annotations

from typing import Any

import discord
from dc_standin import LOCALES, StandIn, chat_name_ok

from bot.adapters.discord.client import SellerBot
from bot.adapters.discord.run import sync_commands

OUR_LOCALES = {"en-US", "en-GB", "id", "nl"}


def _payload(standin: StandIn) -> dict[str, dict[str, Any]]:
    call = standin.find("PUT", r"/commands$")[-1]
    assert call.status == 200, call.response
    return {c["name"]: c for c in call.body}


def _names(node: dict[str, Any]) -> list[str]:
    return [node["name"], *node.get("name_localizations", {}).values()]


async def test_groups_carry_permissions_and_valid_names_everywhere(
    bot: SellerBot, standin: StandIn
) -> None:
    await sync_commands(bot)
    cmds = _payload(standin)
    manage = discord.Permissions(manage_guild=True).value
    pin = discord.Permissions(pin_messages=True).value
    assert int(cmds["mod"]["default_member_permissions"]) == manage
    assert int(cmds["pins"]["default_member_permissions"]) == pin
    assert cmds["mod"]["contexts"] == [0] and cmds["pins"]["contexts"] == [0]
    assert cmds["reminders"].get("default_member_permissions") is None
    subs = {g: {s["name"]: s for s in cmds[g]["options"]} for g in ("mod", "pins")}
    assert set(subs["mod"]) == {"language", "note", "notes", "remove-note", "stats", "log"}
    assert set(subs["pins"]) == {"list", "remove", "refresh"}
    assert subs["mod"]["note"]["name_localizations"] == {
        "en-US": "note",
        "en-GB": "note",
        "id": "catatan",
        "nl": "notitie",
    }
    for group in ("mod", "pins"):
        node = cmds[group]
        assert set(node["name_localizations"]) == OUR_LOCALES
        for sub in node["options"]:
            assert sub["type"] == 1
            assert set(sub["name_localizations"]) == OUR_LOCALES
            assert set(sub["description_localizations"]) == OUR_LOCALES
            assert all(chat_name_ok(n) for n in _names(sub))
            assert all(1 <= len(d) <= 100 for d in sub["description_localizations"].values())
            for opt in sub.get("options", []):
                assert set(opt["name_localizations"]) <= LOCALES
                assert all(chat_name_ok(n) for n in _names(opt))
        # Subcommand names stay unique within the group in every locale.
        for locale in OUR_LOCALES:
            names = [s["name_localizations"][locale] for s in node["options"]]
            assert len(names) == len(set(names)), (group, locale)
    language = subs["mod"]["language"]["options"][0]
    assert [c["value"] for c in language["choices"]] == ["en", "id", "nl", "auto"]
    assert language["choices"][-1]["name_localizations"]["nl"] == "Volg elk lid"
    # Top-level names are unique in every locale too.
    for locale in OUR_LOCALES:
        top = [
            c.get("name_localizations", {}).get(locale, c["name"])
            for c in cmds.values()
            if c.get("type", 1) == 1
        ]
        assert len(top) == len(set(top)), locale


async def test_language_choices_show_each_own_name_and_the_readers_name(
    bot: SellerBot, standin: StandIn
) -> None:
    """Where a member picks a language (/language, /mod language), each language carries its own
    name and, per Discord locale, its name in that locale's language."""
    await sync_commands(bot)
    cmds = _payload(standin)
    mod_language = {s["name"]: s for s in cmds["mod"]["options"]}["language"]["options"][0]
    for option in (cmds["language"]["options"][0], mod_language):
        by_value = {c["value"]: c for c in option["choices"]}
        assert [by_value[v]["name"] for v in ("en", "id", "nl")] == [
            "English",
            "Indonesia (Indonesian)",
            "Nederlands (Dutch)",
        ]
        dutch = {
            v: by_value[v]["name_localizations"].get("nl", by_value[v]["name"])
            for v in ("en", "id", "nl")
        }
        assert dutch == {
            "en": "English (Engels)",
            "id": "Indonesia (Indonesisch)",
            "nl": "Nederlands",
        }
        assert by_value["nl"]["name_localizations"]["id"] == "Nederlands (Belanda)"
        assert by_value["nl"]["name_localizations"]["en-GB"] == "Nederlands (Dutch)"
        assert all(
            1 <= len(n) <= 100
            for c in option["choices"]
            for n in (c["name"], *c.get("name_localizations", {}).values())
        )
