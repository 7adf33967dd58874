"""A stop lets the answers under way go out; one that comes in during the stop is no error."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import dc_factory as factory
import pytest
from dc_harness import settle, start_bot
from dc_standin import StandIn

from bot.core.answer import Answer


def _slow(bot: Any, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    ask = bot.assistant.ask

    async def slow_ask(*a: Any, **kw: Any) -> Answer:
        await asyncio.sleep(seconds)
        return await ask(*a, **kw)

    monkeypatch.setattr(bot.assistant, "ask", slow_ask)


async def test_a_stop_waits_for_the_answer_under_way(
    standin: StandIn, assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await start_bot(assistant)
    _slow(bot, monkeypatch, 0.5)
    question = factory.slash("ask", {"question": "my buyer wants to cancel"})
    standin.expect(question)
    bot._connection.parse_interaction_create(question)  # type: ignore[arg-type]
    await asyncio.sleep(0.05)  # the answer is being worked out
    await bot.close()
    [callback] = standin.callbacks(question["id"])
    assert callback.status == 200 and callback.body["data"]["embeds"]


async def test_an_interaction_during_the_stop_is_left_quietly(
    standin: StandIn,
    assistant: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Without the drain and the quiet handling, aiohttp's "Session is closed" came out of
    the button router as a traceback (found by bench_operator.py's malformed-event run)."""
    bot = await start_bot(assistant)
    await bot.close()
    caplog.set_level(logging.INFO)
    guide = {
        **factory.fixture("member_message"),
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "Yes", "custom_id": "sb1:en:f:seller-cancel.1"}
                ],
            }
        ],
    }
    for payload in (
        factory.component(guide, "sb1:en:f:seller-cancel.1"),
        factory.slash("ask", {"question": "my buyer wants to cancel"}),
        factory.modal_submit("sb1:en:s:seller-cancel", {"text": "x"}),
    ):
        standin.expect(payload)
        bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
        await settle()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [
        r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
    ]
    assert sum("left unanswered by the stop" in r.getMessage() for r in caplog.records) == 3
