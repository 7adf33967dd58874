"""Private chats: /start, deep links, free text, /help, /language, non-text and edited messages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tg_fixtures import USERS, Feeder, payload

from bot.adapters.telegram.texts import text
from bot.assistant import Assistant
from bot.core import actions

LANGS = ("en", "id", "nl")
QUESTIONS = {
    "en": "my buyer wants to cancel the order, what do I do?",
    "id": "buyer minta cancel gimana",
    "nl": "de koper wil de bestelling annuleren, wat moet ik doen?",
}


def tokens(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row]


@pytest.mark.parametrize("lang", LANGS)
async def test_start_greets_in_the_members_language_with_the_situations(
    feed: Feeder, assistant: Assistant, lang: str
) -> None:
    await feed("private_start", lang=lang)
    [msg] = feed.sent()
    assert msg["parse_mode"] == "HTML"
    assert text(lang, "start.title") in msg["text"]
    assert text(lang, "start.intro").split(":")[0] in msg["text"]
    data = tokens(msg)
    parsed = [actions.parse(d) for d in data]
    assert all(p is not None and p.lang == lang for p in parsed)
    assert {p.verb for p in parsed if p} == {"s", "w"}
    assert f"sb1:{lang}:s:buyer-cancel-request" in data


async def test_deep_link_opens_the_answer_directly(feed: Feeder, assistant: Assistant) -> None:
    await feed("private_start_deeplink")
    [msg] = feed.sent()
    title = assistant.core.t("en", "seller-cancel.title")
    assert msg["text"].startswith(f"<b>{title}</b>")
    assert "sb1:en:f:seller-cancel.1" in tokens(msg)
    assert assistant.core.t("en", "ui.helpful.question") in msg["text"]


@pytest.mark.parametrize("lang", LANGS)
async def test_deep_link_with_language(feed: Feeder, assistant: Assistant, lang: str) -> None:
    await feed("private_start_deeplink", text=f"/start ordered-by-mistake_{lang}")
    [msg] = feed.sent()
    assert assistant.core.t(lang, "ordered-by-mistake.title") in msg["text"]


async def test_unknown_deep_link_greets(feed: Feeder) -> None:
    await feed("private_start_deeplink", text="/start no-such-thing")
    [msg] = feed.sent()
    assert text("en", "start.title") in msg["text"]


@pytest.mark.parametrize("lang", LANGS)
async def test_free_text_gets_the_answer_with_feedback_buttons(
    feed: Feeder, assistant: Assistant, repo: Any, lang: str
) -> None:
    await feed("private_text", text=QUESTIONS[lang], lang=lang)
    [msg] = feed.sent()
    assert assistant.core.t(lang, "buyer-cancel-request.title") in msg["text"]
    question = assistant.core.t(lang, "ui.helpful.question")
    assert msg["text"].endswith(f"<i>{question}</i>")
    rows = msg["reply_markup"]["inline_keyboard"]
    yes, no = (b["callback_data"] for b in rows[-1])
    assert yes == f"sb1:{lang}:f:buyer-cancel-request.1"
    # "not helpful" carries the kept question's reference (its pick becomes a suggestion)
    assert re.fullmatch(rf"sb1:{lang}:f:buyer-cancel-request\.0\.[0-9a-f]{{12}}", no)
    assert "reply_parameters" not in msg  # private chats: no quoting
    counts = await repo.question_counts()
    assert counts == [("buyer-cancel-request", lang, 1)]


async def test_member_text_with_markup_characters_is_safe(feed: Feeder) -> None:
    await feed("private_text", text='<b>cancel</b> & "refund" <script>alert(1)</script>')
    [msg] = feed.sent()  # the stand-in refuses invalid HTML, so this also checks escaping
    assert "<script>" not in msg["text"]


@pytest.mark.parametrize("lang", LANGS)
async def test_help(feed: Feeder, assistant: Assistant, lang: str) -> None:
    await feed("private_start", text="/help", lang=lang)
    [msg] = feed.sent()
    assert assistant.core.t(lang, "ui.help.title") in msg["text"]
    assert f"sb1:{lang}:s:seller-cancel" in tokens(msg)


@pytest.mark.parametrize("alias", ["language", "bahasa", "taal"])
async def test_language_shows_the_current_language_and_choices(
    feed: Feeder, assistant: Assistant, alias: str
) -> None:
    await feed("private_language", text=f"/{alias}")
    [msg] = feed.sent()
    assert "English" in msg["text"]
    assert tokens(msg) == ["tg1:lang:en", "tg1:lang:id", "tg1:lang:nl", "tg1:lang:auto"]


@pytest.mark.parametrize("lang", LANGS)
async def test_language_argument_saves_it(
    feed: Feeder, assistant: Assistant, repo: Any, lang: str
) -> None:
    await feed("private_language", text=f"/language {lang}")
    assert await repo.get_member_language("telegram", str(USERS["en"])) == lang
    [msg] = feed.sent()
    name = assistant.core.catalogs.language_name(lang, lang)
    assert assistant.core.t(lang, "ui.lang.saved", language=name) in msg["text"]
    await feed("private_start", user_id=USERS["en"], lang="en")
    assert text(lang, "start.title") in feed.sent()[-1]["text"]


async def test_unknown_language_is_refused(feed: Feeder, repo: Any) -> None:
    await feed("private_language", text="/language klingon")
    assert await repo.get_member_language("telegram", str(USERS["en"])) is None
    # each language under its own name, and its name in the reader's language
    assert (
        "en – English, id – Indonesia (Indonesian), nl – Nederlands (Dutch)"
        in (feed.sent()[0]["text"])
    )


async def test_sticker_gets_a_hint(feed: Feeder, assistant: Assistant) -> None:
    await feed("private_sticker")
    [msg] = feed.sent()
    hint = assistant.core.t("en", "ui.empty").replace("“", "").split(":")[0]
    assert hint in msg["text"]


async def test_photo_caption_is_answered(feed: Feeder, assistant: Assistant) -> None:
    await feed("private_photo_caption")
    [msg] = feed.sent()
    assert assistant.core.t("nl", "unhappy-with-delivery.title") in msg["text"]


async def test_edited_question_gets_a_fresh_answer_quoting_it(
    feed: Feeder, assistant: Assistant
) -> None:
    await feed("edited_message")
    [msg] = feed.sent()
    assert assistant.core.t("nl", "buyer-cancel-request.title") in msg["text"]
    assert msg["reply_parameters"]["message_id"] == 42


async def test_a_post_about_two_things_offers_the_second_answer(
    feed: Feeder, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tg_fixtures import callback_on

    core = assistant.core
    monkeypatch.setitem(core.model.thresholds, "also", 0.0)  # offer it whenever there is one
    question = "my buyer cancelled the order, will it hurt my completion rate?"
    route = core.route(question)
    assert route.kind == "situation" and route.also
    await feed("private_text", text=question)
    msg = feed.last_message(int(feed.sent()[0]["chat_id"]))
    label = core.t("en", "ui.also_about", title=core.t("en", f"{route.also}.title"))
    pressed = {
        b["text"]: b["callback_data"] for row in msg["reply_markup"]["inline_keyboard"] for b in row
    }[label]
    assert pressed == f"sb1:en:s:{route.also}"
    user = {"id": USERS["en"], "is_bot": False, "first_name": "M", "language_code": "en"}
    await feed(callback_on(msg, pressed, user, 990))
    assert core.t("en", f"{route.also}.title") in feed.sent()[-1]["text"]


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("klien di projects.co.id batalin project, duit gw ga dibayar, gimana ya", "id"),
        ("mijn directe klant wil de opdracht annuleren en zijn aanbetaling terug", "nl"),
    ],
)
async def test_another_marketplace_gets_general_advice_saying_so(
    feed: Feeder, assistant: Assistant, question: str, lang: str
) -> None:
    await feed("private_text", text=question, lang=lang)
    [msg] = feed.sent()
    core = assistant.core
    assert core.t(lang, "general-advice.title") in msg["text"]
    assert core.t(lang, "ui.other_marketplace")[:50] in msg["text"]


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", ["English", "Indonesia (Indonesian)", "Nederlands (Dutch)"]),
        ("nl", ["English (Engels)", "Indonesia (Indonesisch)", "Nederlands"]),
        ("id", ["English (Inggris)", "Indonesia", "Nederlands (Belanda)"]),
    ],
)
async def test_language_buttons_show_each_own_name_and_the_readers_name(
    feed: Feeder, lang: str, shown: list[str]
) -> None:
    """A member who does not read the current language still finds theirs."""
    await feed("private_language", lang=lang)
    [msg] = feed.sent()
    assert labels(msg)[:3] == shown


async def test_edits_that_change_nothing_get_no_second_answer(
    feed: Feeder, assistant: Assistant
) -> None:
    t = assistant.core.t
    question = "de koper wil annuleren, wat moet ik doen?"
    first = payload("edited_message", update_id=1)
    first["message"] = first.pop("edited_message")  # the question as first sent
    first["message"].pop("edit_date")
    await feed(first)
    assert len(feed.sent()) == 1
    await feed("edited_message", text=question, update_id=2)  # e.g. a link preview came
    await feed("edited_message", text="de koper wil annuleren!! wat moet ik doen", update_id=3)
    assert len(feed.sent()) == 1  # same question, then the same answer: nothing new
    await feed("edited_message", text="ik moet zelf annuleren, ik ben ziek", update_id=4)
    assert len(feed.sent()) == 2  # a different answer: a fresh one, quoting the edit
    assert t("nl", "seller-cancel.title") in feed.sent()[-1]["text"]


async def test_an_album_with_one_caption_gets_one_answer_and_no_notices(
    feed: Feeder, assistant: Assistant
) -> None:
    for i, caption in enumerate((None, "de koper is niet blij met de levering", None)):
        photo = payload("private_photo_caption", update_id=50 + i)
        photo["message"]["message_id"] = 60 + i
        photo["message"]["media_group_id"] = "13723485934753"
        if caption is None:
            photo["message"].pop("caption")
        else:
            photo["message"]["caption"] = caption
        await feed(photo)
    [answer] = feed.sent()
    assert assistant.core.t("nl", "unhappy-with-delivery.title") in answer["text"]
