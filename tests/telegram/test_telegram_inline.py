"""Inline mode: matching answers in the member's language, ready to send."""

from __future__ import annotations

import pytest
from telegram import InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest
from tg_fixtures import Feeder
from tg_standin import BotApiStandIn

from bot.assistant import Assistant
from bot.core import situations


@pytest.mark.parametrize(
    ("lang", "query", "first"),
    [
        ("en", "buyer ordered by mistake", "ordered-by-mistake"),
        ("id", "buyer minta cancel", "buyer-cancel-request"),
        ("nl", "ik moet zelf annuleren", "seller-cancel"),
    ],
)
async def test_inline_query_offers_matching_answers(
    feed: Feeder, assistant: Assistant, repo: object, lang: str, query: str, first: str
) -> None:
    await feed("inline_query", query=query, lang=lang)
    [call] = feed.calls("answerInlineQuery")
    results = call["results"]
    assert 1 <= len(results) <= 50
    assert results[0]["id"] == f"{first}.{lang}"
    assert results[0]["title"] == assistant.core.t(lang, f"{first}.title")
    assert {r["id"] for r in results} == {f"{s.id}.{lang}" for s in situations.SITUATIONS}
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert assistant.core.t(lang, "ui.helpful.question") in content["message_text"]
    data = [
        b["callback_data"] for row in results[0]["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert data == [f"sb1:{lang}:f:{first}.1", f"sb1:{lang}:f:{first}.0"]
    assert call["is_personal"] is True
    assert call["button"]["start_parameter"] == "inline"


async def test_recorded_inline_query_and_no_statistics(feed: Feeder, repo: object) -> None:
    await feed("inline_query")
    assert feed.calls("answerInlineQuery")[0]["results"][0]["id"] == "buyer-cancel-request.id"
    assert await repo.question_counts() == []  # type: ignore[attr-defined]


async def test_empty_inline_query_lists_every_situation(feed: Feeder) -> None:
    await feed("inline_query", query="", lang="nl")
    results = feed.calls("answerInlineQuery")[0]["results"]
    assert [r["id"] for r in results] == [f"{s.id}.nl" for s in situations.SITUATIONS]


async def test_more_than_50_results_are_refused(feed: Feeder) -> None:
    results = [
        InlineQueryResultArticle(str(i), "t", InputTextMessageContent("x")) for i in range(51)
    ]
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await feed.app.bot.answer_inline_query("1", results)


async def test_a_query_too_old_to_answer_is_no_error(
    feed: Feeder, standin: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail("answerInlineQuery", 400)  # "query is too old and response timeout expired"
    caplog.set_level("INFO")
    await feed("inline_query")  # fails the test if the handler raised
    assert "inline query not answered" in caplog.text
    assert "ERROR" not in caplog.text
    await feed("inline_query", update_id=2)  # the next one is answered as usual
    assert len(standin.calls_to("answerInlineQuery")) == 2
