"""What a member is offered next: after "not helpful" on a guide, and after choosing a language."""

from __future__ import annotations

from typing import Any

import pytest
from tg_fixtures import SUPERGROUP, USER, USERS, Feeder, buttons, callback_on, payload
from tg_standin import BOT_USERNAME

from bot.assistant import Assistant
from bot.core import situations


def offers_the_others(assistant: Assistant, message: dict[str, Any], lang: str, voted: str) -> None:
    """The message offers every other answer and the decision steps, not the one voted on."""
    t = assistant.core.t
    assert t(lang, "ui.unhelpful.intro") in message["text"]
    offered = buttons(message)
    others = [s.id for s in situations.SITUATIONS if s.id != voted]
    assert [t(lang, f"{sid}.title") for sid in others] == list(offered)[: len(others)]
    assert t(lang, f"{voted}.title") not in offered
    assert offered[t(lang, "ui.walk.start")] == f"sb1:{lang}:w:"


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_not_helpful_in_a_private_chat_offers_the_other_answers(
    feed: Feeder, repo: Any, assistant: Assistant, lang: str
) -> None:
    await feed("private_start_deeplink", text=f"/start seller-cancel_{lang}")
    guide = feed.last_message(USERS["en"])
    no = assistant.core.t(lang, "ui.helpful.no")
    await feed(callback_on(guide, buttons(guide)[no], USER["en"], 930))
    [s] = await repo.feedback_summary()
    assert (s.situation, s.not_helpful) == ("seller-cancel", 1)  # the vote still counts
    [toast] = feed.calls("answerCallbackQuery")
    assert toast["text"] == assistant.core.t(lang, "ui.helpful.thanks")
    assert feed.calls("editMessageText") == []  # the guide stays as it is
    offer = feed.last_message(USERS["en"])
    assert offer["message_id"] != guide["message_id"]
    offers_the_others(assistant, offer, lang, "seller-cancel")
    # and the offer works: the walk starts in the same message
    await feed(callback_on(offer, f"sb1:{lang}:w:", USER["en"], 931))
    assert (
        assistant.core.t(lang, "flow.who.question")
        in feed.message(USERS["en"], offer["message_id"])["text"]
    )


async def test_not_helpful_in_a_group_answers_under_the_guide(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("group_mention")
    guide = feed.last_message(SUPERGROUP)
    await feed(callback_on(guide, "sb1:en:f:buyer-cancel-request.0", USER["nl"], 932))
    assert len(feed.sent()) == 2
    offers_the_others(assistant, feed.last_message(SUPERGROUP), "en", "buyer-cancel-request")


async def test_not_helpful_on_an_inline_message_opens_the_private_chat(
    feed: Feeder, assistant: Assistant
) -> None:
    """An inline message has no chat to answer in: the vote's toast opens the bot's private
    chat with a deep link, and /start there offers the other answers."""
    await feed(payload("callback_query_inline", data="sb1:id:f:buyer-cancel-request.0"))
    [answered] = feed.calls("answerCallbackQuery")  # (the stand-in refuses any other URL)
    assert answered["text"] == assistant.core.t("id", "ui.helpful.thanks")
    link = f"https://t.me/{BOT_USERNAME}?start=more-buyer-cancel-request_id"
    assert answered["url"] == link
    assert feed.sent() == []
    await feed("private_start_deeplink", text=f"/start {link.rpartition('=')[2]}")
    offers_the_others(assistant, feed.last_message(USERS["en"]), "id", "buyer-cancel-request")


async def test_helpful_only_says_thanks(feed: Feeder, assistant: Assistant) -> None:
    await feed("private_start_deeplink")
    guide = feed.last_message(USERS["en"])
    await feed(callback_on(guide, "sb1:en:f:seller-cancel.1", USER["en"], 933))
    assert len(feed.sent()) == 1
    assert feed.calls("answerCallbackQuery")[0]["text"] == assistant.core.t(
        "en", "ui.helpful.thanks"
    )


@pytest.mark.parametrize("how", ["command", "button"])
async def test_language_confirmation_says_it_is_remembered_and_how_to_undo_it(
    feed: Feeder, assistant: Assistant, how: str
) -> None:
    if how == "command":
        await feed("private_language", text="/language nl")
        text = feed.last_message(USERS["en"])["text"]
    else:
        await feed("private_language")
        menu = feed.last_message(USERS["en"])
        await feed(callback_on(menu, "tg1:lang:nl", USER["en"], 934))
        text = feed.calls("answerCallbackQuery")[0]["text"]
        assert text in feed.message(USERS["en"], menu["message_id"])["text"]
    assert assistant.core.t("nl", "ui.lang.remembered", undo="/language auto") in text
