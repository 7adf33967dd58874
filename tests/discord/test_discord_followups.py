"""What a member is offered next: after "not helpful" on a guide, and after choosing a language."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
import pytest
from dc_harness import T, ephemeral, ids, reply, sent
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot
from bot.core import situations
from bot.storage import SqliteRepository


def offers_the_others(data: dict[str, Any], lang: str, voted: str) -> None:
    """A private message with every other answer and the decision steps in its menu."""
    assert ephemeral(data)
    [embed] = data["embeds"]
    assert embed["title"].replace("\\", "") == T(lang, "ui.unhelpful.title")
    assert T(lang, "ui.unhelpful.intro") in embed["description"].replace("\\", "")
    options = factory.options_of(data, "sbd1:menu")
    others = [s.id for s in situations.SITUATIONS if s.id != voted]
    assert options == [*(f"sb1:{lang}:s:{sid}" for sid in others), f"sb1:{lang}:w:"]


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_not_helpful_on_a_public_guide_offers_the_others_privately(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository, lang: str
) -> None:
    guide = await sent(
        bot,
        inject,
        standin,
        factory.slash("guide", {"situation": "ordered-by-mistake"}, locale=lang),
    )
    share = f"sbd1:share:sb1:{lang}:s:ordered-by-mistake"
    public = await sent(bot, inject, standin, factory.component(guide, share, locale=lang))
    vote = f"sb1:{lang}:f:ordered-by-mistake.0"
    assert vote in factory.custom_ids(public)
    kind, data = reply(await inject(bot, factory.component(public, vote, user_id=42, locale=lang)))
    assert kind == 4  # a new private message; the public guide is untouched
    offers_the_others(data, lang, "ordered-by-mistake")
    [s] = await repo.feedback_summary(platform="discord")
    assert (s.situation, s.helpful, s.not_helpful) == ("ordered-by-mistake", 0, 1)


async def test_not_helpful_on_a_private_guide_keeps_the_guide(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    kind, data = reply(await inject(bot, factory.component(guide, "sb1:en:f:seller-cancel.0")))
    assert kind == 4  # not an update of the guide's message
    offers_the_others(data, "en", "seller-cancel")
    # the offer's walk button starts the decision steps in place
    offer = await sent(bot, inject, standin, factory.component(guide, "sb1:en:f:seller-cancel.0"))
    kind, data = reply(await inject(bot, factory.component(offer, "sbd1:menu", ["sb1:en:w:"])))
    assert kind == 7 and data["embeds"][0]["title"] == T("en", "flow.who.question")


async def test_helpful_only_says_thanks(bot: SellerBot, inject: Any, standin: StandIn) -> None:
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    _kind, data = reply(await inject(bot, factory.component(guide, "sb1:en:f:seller-cancel.1")))
    assert ids(data) == []
    assert data["embeds"][0]["description"] == T("en", "ui.helpful.thanks")


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("nl", "nl"), ("fr", "en")])
async def test_language_confirmation_names_the_undo_as_the_member_sees_the_command(
    bot: SellerBot, inject: Any, locale: str, lang: str
) -> None:
    """ "/language language: Automatic (follow my messages)", in the member's Discord locale
    (the command's names there; English where we have no translation)."""
    name, option, auto = (
        T(lang, f"discord.cmd.language.{k}") for k in ("name", "language.name", "auto")
    )
    _, data = reply(await inject(bot, factory.slash("language", {"language": "id"}, locale=locale)))
    description = data["embeds"][0]["description"].replace("\\", "")
    undo = f"/{name} {option}: {auto}"
    assert T("id", "ui.lang.remembered", undo=undo) in description
