"""Slash commands and autocomplete, in a server and in a DM, in en-US, id and nl."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
import pytest
from dc_harness import T, ephemeral, ids, reply, sent
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot
from bot.core import situations
from bot.storage import SqliteRepository


@pytest.mark.parametrize(
    ("where", "locale", "lang"),
    [
        ("guild", "en-US", "en"),
        ("guild", "id", "id"),
        ("dm", "nl", "nl"),
        ("guild", "en-GB", "en"),
        ("dm", "id", "id"),
    ],
)
async def test_guide_walk_follows_member_locale(
    bot: SellerBot, inject: Any, where: str, locale: str, lang: str
) -> None:
    kind, data = reply(await inject(bot, factory.slash("guide", where=where, locale=locale)))
    assert kind == 4 and ephemeral(data)
    assert data["embeds"][0]["title"] == T(lang, "flow.who.question").replace("'", "'")
    assert f"sb1:{lang}:w:buyer" in ids(data)


@pytest.mark.parametrize("locale", ["en-US", "id", "nl"])
async def test_guide_situation_in_every_language_fits_and_has_share(
    bot: SellerBot, inject: Any, locale: str
) -> None:
    lang = locale[:2]
    for s in situations.SITUATIONS:
        calls = await inject(bot, factory.slash("guide", {"situation": s.id}, locale=locale))
        _kind, data = reply(calls)
        embed = data["embeds"][0]
        assert T(lang, f"{s.id}.title").split()[0] in embed["title"]
        # "Source:" for one source, "Sources:" for more (the catalogs' plural forms)
        label = bot.core.catalogs.ngettext(lang, "ui.sources", len(s.sources))
        assert embed["footer"]["text"].startswith(f"{label}: ")
        assert "**1.**" in embed["description"]
        assert f"sbd1:share:sb1:{lang}:s:{s.id}" in ids(data)
        assert f"sb1:{lang}:f:{s.id}.1" in ids(data) and f"sb1:{lang}:f:{s.id}.0" in ids(data)


async def test_guide_in_dm_has_no_share_button(bot: SellerBot, inject: Any) -> None:
    _kind, data = reply(
        await inject(
            bot, factory.slash("guide", {"situation": "seller-cancel"}, where="dm", locale="nl")
        )
    )
    assert not any(i.startswith("sbd1:share:") for i in ids(data))
    assert "sb1:nl:f:seller-cancel.1" in ids(data)


async def test_guide_typed_title_is_matched(bot: SellerBot, inject: Any) -> None:
    _kind, data = reply(
        await inject(bot, factory.slash("guide", {"situation": "pesan salah"}, locale="id"))
    )
    assert data["embeds"][0]["title"] == T("id", "ordered-by-mistake.title")


@pytest.mark.parametrize(
    ("locale", "question", "situation", "lang"),
    [
        ("en-US", "my buyer wants to cancel the order", "buyer-cancel-request", "en"),
        ("id", "pembeli minta batal pesanan", "buyer-cancel-request", "id"),
        ("nl", "de koper wil annuleren", "buyer-cancel-request", "nl"),
    ],
)
async def test_ask(
    bot: SellerBot, inject: Any, locale: str, question: str, situation: str, lang: str
) -> None:
    _kind, data = reply(
        await inject(bot, factory.slash("ask", {"question": question}, locale=locale))
    )
    assert ephemeral(data)
    assert data["embeds"][0]["title"] == T(lang, f"{situation}.title")
    assert f"sbd1:share:sb1:{lang}:s:{situation}" in ids(data)


async def test_ask_offtopic_gets_a_menu(bot: SellerBot, inject: Any) -> None:
    _kind, data = reply(await inject(bot, factory.slash("ask", {"question": "what's the weather"})))
    assert data["components"][0]["components"][0]["type"] == 3  # a select menu of situations
    assert not any(i.startswith("sbd1:share:") for i in ids(data))


async def test_situations_is_a_select_menu(bot: SellerBot, inject: Any) -> None:
    _kind, data = reply(await inject(bot, factory.slash("situations", locale="nl")))
    select = data["components"][0]["components"][0]
    assert select["custom_id"] == "sbd1:menu"
    assert len(select["options"]) == len(situations.SITUATIONS) + 1
    assert select["options"][0]["value"].startswith("sb1:nl:s:")


async def test_language_saved_beats_locale_and_reset(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    _, data = reply(await inject(bot, factory.slash("language", {"language": "nl"})))
    assert ephemeral(data) and "Nederlands" in data["embeds"][0]["description"]
    assert await repo.get_member_language("discord", str(factory.MEMBER_ID)) == "nl"
    _, data = reply(await inject(bot, factory.slash("guide", locale="en-US")))
    assert data["embeds"][0]["title"] == T("nl", "flow.who.question")
    reply(await inject(bot, factory.slash("language", {"language": "auto"})))
    assert await repo.get_member_language("discord", str(factory.MEMBER_ID)) is None
    _kind, data = reply(await inject(bot, factory.slash("language", locale="id")))
    assert "Indonesia" in data["embeds"][0]["description"]


async def test_server_choice_beats_member_locale(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    await repo.set_community_language("discord", str(factory.GUILD_ID), "id")
    _, data = reply(await inject(bot, factory.slash("guide", locale="nl")))
    assert data["embeds"][0]["title"] == T("id", "flow.who.question")
    _kind, data = reply(await inject(bot, factory.slash("guide", locale="nl", where="dm")))
    assert data["embeds"][0]["title"] == T("nl", "flow.who.question")


@pytest.mark.parametrize(
    ("locale", "typed", "first"),
    [
        ("en-US", "", None),
        ("en-US", "mistake", "ordered-by-mistake"),
        ("en-US", "cancle", None),  # typo: still matches something about cancelling
        ("id", "salah pesan", "ordered-by-mistake"),
        ("nl", "ontevreden", "unhappy-with-delivery"),
    ],
)
async def test_autocomplete(
    bot: SellerBot, inject: Any, standin: StandIn, locale: str, typed: str, first: str | None
) -> None:
    calls = await inject(bot, factory.autocomplete("guide", "situation", typed, locale=locale))
    kind, data = reply(calls)
    assert kind == 8
    choices = data["choices"]
    assert 1 <= len(choices) <= 25
    lang = locale[:2]
    titles = {T(lang, f"{s.id}.title") for s in situations.SITUATIONS}
    assert all(c["name"] in titles for c in choices)
    if first:
        assert choices[0]["value"] == first
    if not typed:
        assert len(choices) == len(situations.SITUATIONS)


async def test_autocomplete_in_a_dm_and_for_pin(bot: SellerBot, inject: Any) -> None:
    kind, data = reply(
        await inject(
            bot, factory.autocomplete("guide", "situation", "per ongeluk", where="dm", locale="nl")
        )
    )
    assert kind == 8 and data["choices"][0]["value"] == "ordered-by-mistake"
    kind, data = reply(
        await inject(
            bot, factory.autocomplete("pin", "situation", "annul", locale="nl", moderator=True)
        )
    )
    assert kind == 8 and data["choices"]
    assert all(
        c["name"] in {T("nl", f"{s.id}.title") for s in situations.SITUATIONS}
        for c in data["choices"]
    )


async def test_ask_about_two_things_offers_the_second_as_a_button(
    bot: SellerBot, inject: Any, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # whenever a second answer is offered (here: always), it is a button that opens it
    monkeypatch.setitem(bot.core.model.thresholds, "also", 0.0)
    question = "my buyer cancelled the order, will it hurt my completion rate?"
    route = bot.core.route(question)
    assert route.kind == "situation" and route.also
    data = await sent(bot, inject, standin, factory.slash("ask", {"question": question}))
    buttons = [c for row in data["components"] for c in row["components"]]
    also = next(b for b in buttons if b.get("custom_id") == f"sb1:en:s:{route.also}")
    assert also["label"] == T("en", "ui.also_about", title=T("en", f"{route.also}.title"))
    _kind, opened = reply(await inject(bot, factory.component(data, also["custom_id"])))
    assert opened["embeds"][0]["title"] == T("en", f"{route.also}.title")


async def test_ask_about_another_marketplace_gets_general_advice_saying_so(
    bot: SellerBot, inject: Any
) -> None:
    question = "client on upwork cancelled the contract and wants a refund, what do i do"
    _kind, data = reply(await inject(bot, factory.slash("ask", {"question": question})))
    embed = data["embeds"][0]
    assert embed["title"] == T("en", "general-advice.title")
    assert T("en", "ui.other_marketplace")[:60] in embed["description"]
