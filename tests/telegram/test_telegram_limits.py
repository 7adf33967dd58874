"""The stand-in refuses what Telegram refuses, and the adapter stays within those limits."""

from __future__ import annotations

from dataclasses import replace

import pytest
import tg_html
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest
from tg_fixtures import SUPERGROUP, Feeder
from tg_standin import BotApiStandIn

from bot.adapters.telegram.keyboards import keyboard
from bot.adapters.telegram.messages import plain, render
from bot.adapters.telegram.sender import send
from bot.assistant import Assistant
from bot.core.answer import Choice

CHAT = 222222222


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<div>hi</div>", "Unsupported start tag"),
        ("<b>open", "Can't find end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("1 < 2", "byte offset"),
        ("fish & chips", "must be escaped"),
        ("a > b", "must be escaped"),
        ("&nbsp;", "must be escaped"),
        ('<span class="x">s</span>', "Unsupported start tag"),
        ("<br>", "Unsupported start tag"),
    ],
)
async def test_invalid_html_is_refused(feed: Feeder, html: str, error: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)" + error):
        await feed.app.bot.send_message(CHAT, html, parse_mode="HTML")


@pytest.mark.parametrize(
    "html",
    [
        "<b>b</b> <strong>s</strong> <i>i</i> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler>",
        '<a href="https://example.com/?a=1&amp;b=2">link</a> &lt;&gt;&amp;&quot; &#169; &#x1F600;',
        '<pre><code class="language-python">x = 1</code></pre>',
        "<blockquote expandable>quote</blockquote>",
    ],
)
async def test_valid_html_is_accepted(feed: Feeder, html: str) -> None:
    await feed.app.bot.send_message(CHAT, html, parse_mode="HTML")


async def test_length_is_counted_after_entity_parsing(feed: Feeder) -> None:
    bot = feed.app.bot
    await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(CHAT, "&amp;" * 4096, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(CHAT, "😀" * 2049)  # UTF-16 code units
    with pytest.raises(BadRequest, match=r"(?i)empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")


def markup(rows: list[list[str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(d[:10] or "?", callback_data=d) for d in row] for row in rows]
    )


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([["x" * 65]], "(?i)button_data_invalid"),
        ([["é" * 33]], "(?i)button_data_invalid"),  # 66 bytes in 33 characters
        ([[str(i) for i in range(9)]], "too many buttons in a row"),
        ([[str(r * 8 + i) for i in range(8)] for r in range(13)], "reply markup is too long"),
    ],
)
async def test_invalid_keyboards_are_refused(
    feed: Feeder, rows: list[list[str]], error: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)" + error):
        await feed.app.bot.send_message(CHAT, "x", reply_markup=markup(rows))


async def test_keyboards_are_kept_within_the_limits(feed: Feeder) -> None:
    choices = [Choice(f"sb1:en:s:{i}", f"#{i}", "feedback") for i in range(130)]
    choices.append(Choice("sb1:en:s:" + "y" * 60, "too long", "situation"))
    kb = keyboard(choices)
    assert kb is not None
    assert sum(len(r) for r in kb.inline_keyboard) == 100
    assert max(len(r) for r in kb.inline_keyboard) <= 8
    await feed.app.bot.send_message(CHAT, "x", reply_markup=kb)


async def test_long_answers_are_split_on_paragraphs(feed: Feeder, assistant: Assistant) -> None:
    base = assistant.core.situation("general-advice", "nl")
    long_steps = tuple(f"Stap {i} <met> & zonder " + "woord " * 150 for i in range(12))
    answer = replace(base, steps=long_steps)
    outs = render(assistant, answer)
    assert len(outs) >= 3
    assert all(o.markup is None for o in outs[:-1]) and outs[-1].markup is not None
    sent = await send(feed.app.bot, CHAT, outs)
    assert len(sent) == len(outs)
    for params in feed.sent():
        assert tg_html.utf16_len(tg_html.parse(params["text"])) <= 4096
        assert "\n<b>" not in params["text"][:1]  # each chunk starts at a paragraph


async def test_pinning_without_the_right_is_refused(feed: Feeder, standin: BotApiStandIn) -> None:
    [msg] = await send(feed.app.bot, SUPERGROUP, [plain("hi")])
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await feed.app.bot.pin_chat_message(SUPERGROUP, msg.message_id)
