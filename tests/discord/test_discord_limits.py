"""Discord's limits and timing: the stand-in refuses what Discord refuses; the bot stays inside."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import dc_factory as factory
import discord
import pytest
from dc_standin import StandIn

from bot.adapters.discord import embeds
from bot.adapters.discord.client import SellerBot
from bot.core import situations
from bot.core.answer import Answer, Choice
from bot.core.engine import default_core

NONE = {"parse": []}


def button(custom_id: str, label: str = "ok") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(items)}


def embed(**kw: Any) -> dict[str, Any]:
    return {"type": "rich", **kw}


BAD_MESSAGES = {
    "content over 2000": {"content": "x" * 2001},
    "title over 256": {"embeds": [embed(title="t" * 257)]},
    "description over 4096": {"embeds": [embed(description="d" * 4097)]},
    "footer over 2048": {"embeds": [embed(description="d", footer={"text": "f" * 2049})]},
    "26 fields": {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]},
    "field value over 1024": {"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]},
    "embeds over 6000 in total": {"embeds": [embed(description="d" * 3500)] * 2},
    "11 embeds": {"embeds": [embed(description="d")] * 11},
    "custom_id over 100": {"components": [row(button("c" * 101))]},
    "duplicate custom_id": {"components": [row(button("a"), button("a"))]},
    "label over 80": {"components": [row(button("a", "l" * 81))]},
    "6 rows": {"components": [row(button(f"r{i}")) for i in range(6)]},
    "6 buttons in a row": {"components": [row(*(button(f"b{i}") for i in range(6)))]},
    "26 select options": {
        "components": [
            row(
                {
                    "type": 3,
                    "custom_id": "s",
                    "options": [{"label": f"o{i}", "value": f"{i}"} for i in range(26)],
                }
            )
        ]
    },
    "select beside a button": {
        "components": [
            row(
                {"type": 3, "custom_id": "s", "options": [{"label": "o", "value": "o"}]},
                button("b"),
            )
        ]
    },
}


@pytest.mark.parametrize("case", sorted(BAD_MESSAGES))
async def test_standin_rejects_bad_messages_like_discord(
    bot: SellerBot, standin: StandIn, case: str
) -> None:
    payload = factory.slash("guide")
    standin.expect(payload)
    route = discord.http.Route(
        "POST", "/interactions/{i}/{t}/callback", i=payload["id"], t=payload["token"]
    )
    body = {"type": 4, "data": {**BAD_MESSAGES[case], "allowed_mentions": NONE}}
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(route, json=body)
    assert (err.value.status, err.value.code) == (400, 50035)
    assert standin.calls[-1].response["errors"]["data"]
    # The same body straight to a channel is refused too.
    channel = discord.http.Route("POST", "/channels/{c}/messages", c=factory.CHANNEL_ID)
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(channel, json={**BAD_MESSAGES[case], "allowed_mentions": NONE})
    assert err.value.code == 50035


async def test_standin_rejects_empty_late_and_repeated_responses(
    bot: SellerBot, standin: StandIn
) -> None:
    payload = factory.slash("guide")
    standin.expect(payload)
    route = discord.http.Route(
        "POST", "/interactions/{i}/{t}/callback", i=payload["id"], t=payload["token"]
    )
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(route, json={"type": 4, "data": {"allowed_mentions": NONE}})
    assert err.value.code == 50006
    await bot.http.request(
        route, json={"type": 4, "data": {"content": "ok", "allowed_mentions": NONE}}
    )
    with pytest.raises(discord.HTTPException) as err:
        await bot.http.request(
            route, json={"type": 4, "data": {"content": "again", "allowed_mentions": NONE}}
        )
    assert err.value.code == 40060
    late = factory.slash("guide", age=3.5)
    standin.expect(late)
    route = discord.http.Route(
        "POST", "/interactions/{i}/{t}/callback", i=late["id"], t=late["token"]
    )
    with pytest.raises(discord.NotFound) as nf:
        await bot.http.request(
            route, json={"type": 4, "data": {"content": "late", "allowed_mentions": NONE}}
        )
    assert nf.value.code == 10062


async def test_late_interaction_is_logged_not_raised(
    bot: SellerBot, inject: Any, caplog: pytest.LogCaptureFixture
) -> None:
    calls = await inject(bot, factory.slash("guide", age=3.5))
    assert [c.status for c in calls] == [404]
    assert calls[0].response["code"] == 10062
    assert "interaction expired before the reply" in caplog.text


async def test_slow_answers_are_deferred_in_time(
    standin: StandIn, inject: Any, assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a 1 s window (scaled down from 3 s) and a 1.3 s answer, the bot defers first.

    The window is wide against the 0.05 s deferral so a loaded CI machine cannot miss it.
    """
    from dc_harness import start_bot

    standin.window = 1.0
    bot = await start_bot(assistant, defer_after=0.05)
    ask, press = bot.assistant.ask, bot.assistant.press

    async def slow_ask(*a: Any, **kw: Any) -> Answer:
        await asyncio.sleep(1.3)
        return await ask(*a, **kw)

    async def slow_press(*a: Any, **kw: Any) -> Answer:
        await asyncio.sleep(1.3)
        return await press(*a, **kw)

    monkeypatch.setattr(bot.assistant, "ask", slow_ask)
    monkeypatch.setattr(bot.assistant, "press", slow_press)
    try:
        calls = await inject(bot, factory.slash("ask", {"question": "buyer wants to cancel"}))
        assert [(c.method, c.status) for c in calls] == [("POST", 200), ("PATCH", 200)]
        assert calls[0].body == {"type": 5, "data": {"flags": 64}}
        assert calls[1].body["embeds"][0]["title"]
        message = standin.messages[int(calls[0].response["interaction"]["response_message_id"])]
        assert message["flags"] & 64 and not message["flags"] & 128  # no longer "thinking"

        calls = await inject(bot, factory.component(message, "sb1:en:s:ordered-by-mistake"))
        assert [(c.method, c.status) for c in calls] == [("POST", 200), ("PATCH", 200)]
        assert calls[0].body["type"] == 6  # deferred update: the same message is edited
        assert calls[1].path.endswith("/messages/@original")

        # Deferred publicly for the channel, but off-topic: the answer goes to the invoker only.
        target = factory.fixture("member_message")
        target["content"] = "anyone up for a game tonight?"
        calls = await inject(bot, factory.message_command("Answer with the guide", target))
        assert [(c.method, c.status) for c in calls] == [
            ("POST", 200),
            ("DELETE", 204),
            ("POST", 200),
        ]
        assert calls[0].body == {"type": 5}
        assert calls[2].body["flags"] & 64 and calls[2].body["components"]
    finally:
        await bot.close()


async def test_every_answer_fits_in_every_language() -> None:
    core = default_core()
    for lang in core.languages:
        answers = [core.situation(s.id, lang) for s in situations.SITUATIONS]
        answers += [core.situation_menu(lang, k) for k in ("help", "unsure", "offtopic")]
        answers += [core.stale(lang)]
        for answer in answers:
            groups = embeds.build(core, answer)
            assert len(groups) == 1
            assert sum(len(e) for e in groups[0]) <= embeds.TOTAL


async def test_an_oversized_answer_is_split_within_limits(
    bot: SellerBot, inject: Any, standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    core = default_core()
    base = core.situation("seller-cancel", "en")
    huge = replace(
        base,
        title="T" * 400,
        steps=tuple(f"Step {i} " + "word " * 80 for i in range(60)),  # about 25,000 characters
        sources=tuple("S" * 300 for _ in range(10)),
        choices=tuple(Choice(f"sb1:en:s:x{i}", "L" * 120) for i in range(30)),
    )

    async def situation(*a: Any, **kw: Any) -> Answer:
        return huge

    monkeypatch.setattr(bot.assistant, "situation", situation)
    calls = await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}))
    assert calls and all(c.status == 200 for c in calls), [c.response for c in calls]
    assert len(calls) >= 5  # the response and follow-ups
    bodies = standin.sent_bodies()
    assert sum(len(e.get("description", "")) for b in bodies for e in b["embeds"]) > 24_000
    assert bodies[-1]["components"]  # the buttons come after the text


def test_embeds_are_shared_only_by_answers_that_show_the_same() -> None:
    core = default_core()
    guide = core.situation("seller-cancel", "en")
    asked = core.for_question(guide, "0123456789ab")  # another "not helpful" token
    silent = replace(guide, feedback=())  # no "Was this helpful?" line
    cached = embeds.Embeds(core)

    def shown(answer: Answer) -> list[list[dict[str, Any]]]:
        return [[e.to_dict() for e in group] for group in cached.get(answer)]

    def built(answer: Answer) -> list[list[dict[str, Any]]]:
        return [[e.to_dict() for e in group] for group in embeds.build(core, answer)]

    assert asked.feedback != guide.feedback
    for answer in (guide, asked, silent):
        assert shown(answer) == built(answer)
    assert built(silent) != built(guide)
