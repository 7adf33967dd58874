"""Buttons: walks edited in place, votes stored, stale and forged callbacks answered."""

from __future__ import annotations

from typing import Any

import pytest
from tg_fixtures import SUPERGROUP, USER, USERS, Feeder, buttons, callback_on, payload
from tg_standin import BotApiStandIn

from bot.assistant import Assistant


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_walk_is_edited_in_place(
    feed: Feeder, standin: BotApiStandIn, assistant: Assistant, lang: str
) -> None:
    t = assistant.core.t
    await feed("private_start", text="/guide", user_id=USERS[lang], lang=lang)
    assert len(feed.sent()) == 1
    chat = USERS[lang]
    msg = feed.last_message(chat)
    assert t(lang, "flow.who.question") in msg["text"]

    buyer = buttons(msg)[t(lang, "buyer-cancel-request.title")]
    await feed(callback_on(msg, buyer, USER[lang], 901))
    assert len(feed.sent()) == 1  # no new message: edited in place
    [edit] = feed.calls("editMessageText")
    assert edit["message_id"] == msg["message_id"]
    msg = feed.message(chat, msg["message_id"])
    assert t(lang, "flow.why.question") in msg["text"]
    assert t(lang, "ui.back") in buttons(msg)

    # back, then on to an answer
    await feed(callback_on(msg, buttons(msg)[t(lang, "ui.back")], USER[lang], 902))
    msg = feed.message(chat, msg["message_id"])
    assert t(lang, "flow.who.question") in msg["text"]
    await feed(callback_on(msg, buttons(msg)[t(lang, "seller-cancel.title")], USER[lang], 903))
    msg = feed.message(chat, msg["message_id"])
    assert t(lang, "seller-cancel.title") in msg["text"]
    assert t(lang, "ui.helpful.question") in msg["text"]
    assert f"sb1:{lang}:f:seller-cancel.1" in buttons(msg).values()
    assert len(feed.calls("answerCallbackQuery")) == 3
    assert len(feed.sent()) == 1


async def test_related_situation_under_an_answer_opens_a_new_message(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("private_text")
    answer = feed.last_message(USERS["id"])
    label = assistant.core.t("id", "ordered-by-mistake.title")
    await feed(callback_on(answer, buttons(answer)[label], USER["id"], 904))
    assert len(feed.sent()) == 2
    assert feed.calls("editMessageText") == []
    assert label in feed.last_message(USERS["id"])["text"]


async def test_situation_picked_from_a_menu_replaces_the_menu(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("private_start")  # Dutch greeting with the situations
    menu = feed.last_message(USERS["nl"])
    label = assistant.core.t("nl", "general-advice.title")
    await feed(callback_on(menu, buttons(menu)[label], USER["nl"], 905))
    assert len(feed.sent()) == 1
    assert label in feed.message(USERS["nl"], menu["message_id"])["text"]


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_vote_is_stored_once_per_member_and_changeable(
    feed: Feeder, repo: Any, assistant: Assistant, lang: str
) -> None:
    await feed("private_start_deeplink", text=f"/start seller-cancel_{lang}")
    answer = feed.last_message(USERS["en"])
    yes, no = (assistant.core.t(lang, k) for k in ("ui.helpful.yes", "ui.helpful.no"))
    await feed(callback_on(answer, buttons(answer)[yes], USER["en"], 906))
    await feed(callback_on(answer, buttons(answer)[yes], USER["en"], 907))
    [s] = await repo.feedback_summary()
    assert (s.situation, s.lang, s.helpful, s.not_helpful) == ("seller-cancel", lang, 1, 0)
    await feed(callback_on(answer, buttons(answer)[no], USER["en"], 908))
    [s] = await repo.feedback_summary()
    assert (s.helpful, s.not_helpful) == (0, 1)
    # another member's vote on the same answer counts separately
    await feed(callback_on(answer, buttons(answer)[yes], USER["nl"], 909))
    [s] = await repo.feedback_summary()
    assert (s.helpful, s.not_helpful) == (1, 1)
    toasts = [c.get("text") for c in feed.calls("answerCallbackQuery")]
    assert toasts == [assistant.core.t(lang, "ui.helpful.thanks")] * 4
    assert feed.calls("editMessageText") == []  # the answer stays as it is


async def test_votes_on_different_messages_are_different_answers(feed: Feeder, repo: Any) -> None:
    await feed("private_start_deeplink")
    first = feed.last_message(USERS["en"])
    await feed("private_start_deeplink", update_id=2)
    second = feed.last_message(USERS["en"])
    data = "sb1:en:f:seller-cancel.1"
    await feed(callback_on(first, data, USER["en"], 910))
    await feed(callback_on(second, data, USER["en"], 911))
    [s] = await repo.feedback_summary()
    assert s.helpful == 2


async def test_vote_in_a_group(feed: Feeder, repo: Any) -> None:
    await feed("group_mention")
    answer = feed.last_message(SUPERGROUP)
    await feed(callback_on(answer, "sb1:en:f:buyer-cancel-request.0", USER["nl"], 912))
    [s] = await repo.feedback_summary(chat_id=str(SUPERGROUP))
    assert s.not_helpful == 1


async def test_vote_on_an_inline_message(feed: Feeder, repo: Any) -> None:
    await feed("callback_query_inline")
    [s] = await repo.feedback_summary()
    assert (s.situation, s.lang, s.helpful) == ("buyer-cancel-request", "id", 1)
    assert len(feed.calls("answerCallbackQuery")) == 1


STALE = [
    "sb1:en:w:buyer.nosuchstep",  # a path no longer in the graph
    "sb1:en:s:no-such-situation",
    "sb1:en:f:no-such-situation.1",
    "sb1:xx:w:",  # a language we don't have
    "sb2:en:w:",  # a future version
    "forged'; DROP TABLE feedback;--",
    "tg1:pin:buyer-cancel-request",  # adapter token without its language
    "x" * 64,
]


@pytest.mark.parametrize("data", STALE)
async def test_stale_or_forged_callback_gets_a_notice_on_a_menu(
    feed: Feeder, assistant: Assistant, data: str
) -> None:
    await feed("private_start", text="/guide", user_id=USERS["en"], lang="en")
    menu = feed.last_message(USERS["en"])
    await feed(callback_on(menu, data, USER["en"], 913))
    [answered] = feed.calls("answerCallbackQuery")
    assert answered["text"] == assistant.core.t("en", "ui.stale")
    # the outdated menu is replaced by a fresh one
    fresh = feed.message(USERS["en"], menu["message_id"])
    assert assistant.core.t("en", "ui.stale") in fresh["text"]


async def test_stale_callback_under_an_answer_keeps_the_answer(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("private_text")
    answer = feed.last_message(USERS["id"])
    await feed(callback_on(answer, "sb1:id:w:gone", USER["id"], 914))
    assert feed.calls("editMessageText") == []
    assert feed.calls("answerCallbackQuery")[0]["text"] == assistant.core.t("id", "ui.stale")
    assert len(feed.sent()) == 2  # a fresh menu below, in the private chat


async def test_forged_callback_in_a_group_is_only_a_notice(feed: Feeder) -> None:
    await feed("group_mention")
    answer = feed.last_message(SUPERGROUP)
    await feed(callback_on(answer, "sb1:en:f:../../etc.1", USER["nl"], 915))
    assert len(feed.sent()) == 1
    assert len(feed.calls("answerCallbackQuery")) == 1


async def test_callback_without_data_or_on_an_inaccessible_message(feed: Feeder) -> None:
    data = payload("callback_query")
    del data["callback_query"]["data"]
    data["callback_query"]["game_short_name"] = "nope"
    await feed(data)
    old = payload("callback_query", update_id=3)
    old["callback_query"]["message"] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": USERS["en"], "type": "private", "first_name": "Alex"},
    }
    await feed(old)
    assert len(feed.calls("answerCallbackQuery")) == 2


async def test_recorded_callback_payload(feed: Feeder, assistant: Assistant) -> None:
    """The recorded callback refers to a message the stand-in never saw: the edit fails,
    the callback is still answered and nothing is raised."""
    await feed("callback_query")
    assert len(feed.calls("answerCallbackQuery")) == 1


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_language_buttons(feed: Feeder, repo: Any, assistant: Assistant, lang: str) -> None:
    await feed("private_language")
    msg = feed.last_message(USERS["en"])
    await feed(callback_on(msg, f"tg1:lang:{lang}", USER["en"], 916))
    assert await repo.get_member_language("telegram", str(USERS["en"])) == lang
    name = assistant.core.catalogs.language_name(lang, lang)
    saved = assistant.core.t(lang, "ui.lang.saved", language=name)
    remembered = assistant.core.t(lang, "ui.lang.remembered", undo="/language auto")
    assert feed.message(USERS["en"], msg["message_id"])["text"] == f"{saved} {remembered}"
    await feed(callback_on(msg, "tg1:lang:auto", USER["en"], 917))
    assert await repo.get_member_language("telegram", str(USERS["en"])) is None


async def test_stale_notice_is_shown_even_if_the_menu_cannot_be_replaced(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("callback_query", data="sb1:en:w:gone")  # its message is unknown to the server
    [answered] = feed.calls("answerCallbackQuery")
    assert answered["text"] == assistant.core.t("en", "ui.stale")
