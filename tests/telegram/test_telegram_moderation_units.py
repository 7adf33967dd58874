"""Small pieces of the moderators' features: message splitting, links, situation words, what
counts as a gone message, the reminder buttons' place in the keyboard."""

from __future__ import annotations

import pytest
from telegram import Chat
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from tg_fixtures import GROUP, SUPERGROUP

from bot.adapters.telegram.community import chunk_lines, message_link
from bot.adapters.telegram.keyboards import AdapterAction, parse_adapter_token
from bot.adapters.telegram.livepins import is_gone
from bot.adapters.telegram.messages import render
from bot.adapters.telegram.reminding import Reminders
from bot.assistant import Assistant
from bot.core.matching import by_id
from bot.moderation import ReminderService, tokens


def test_long_messages_split_on_lines() -> None:
    lines = [f"line {i} " + "x" * 50 for i in range(200)]
    chunks = chunk_lines("\n".join(lines), limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines
    assert chunk_lines("short") == ["short"]


def test_message_links() -> None:
    public = Chat(SUPERGROUP, "supergroup", username="sellerslounge")
    assert message_link(public, "42") == "https://t.me/sellerslounge/42"
    private_super = Chat(SUPERGROUP, "supergroup")
    assert message_link(private_super, "42") == "https://t.me/c/1234567890/42"
    assert message_link(Chat(GROUP, "group"), "42") is None


@pytest.mark.parametrize(("word", "sid"), [
    ("seller-cancel", "seller-cancel"), ("Seller", "seller-cancel"),
    ("buyer", "buyer-cancel-request"), ("", None), ("nonsense", None),
])  # fmt: skip
def test_situation_words(word: str, sid: str | None) -> None:
    assert by_id(word) == sid


@pytest.mark.parametrize(("exc", "gone"), [
    (BadRequest("Message to edit not found"), True),
    (BadRequest("Chat not found"), True),
    (Forbidden("Forbidden: bot was kicked from the supergroup chat"), True),
    (BadRequest("Can't parse entities"), False),
    (NetworkError("connection reset"), False),
])  # fmt: skip
def test_what_counts_as_a_gone_message(exc: TelegramError, gone: bool) -> None:
    assert is_gone(exc) is gone


def test_group_language_tokens() -> None:
    assert parse_adapter_token("tg1:glang:id") == AdapterAction("glang", "id")
    assert parse_adapter_token("tg1:glang:auto") == AdapterAction("glang", "auto")
    assert parse_adapter_token("tg1:glang:id:nl") is None


def test_reminder_rows_go_above_the_feedback_row(
    assistant: Assistant, reminders: ReminderService
) -> None:
    r = Reminders(assistant, reminders)
    answer = assistant.core.situation("buyer-cancel-request", "nl")
    outs = r.attach(answer, render(assistant, answer))
    rows = outs[-1].markup.inline_keyboard if outs[-1].markup else ()
    kinds = [row[0].callback_data.split(":")[2] for row in rows]  # type: ignore[union-attr]
    assert kinds[-1] == "f" and kinds[-3:-1] == ["r", "r"]
    data = [b.callback_data for row in rows for b in row]
    now = reminders.clock.now()
    assert tokens.remind("nl", 12, now) in data
    other = assistant.core.situation("seller-cancel", "nl")
    assert r.attach(other, render(assistant, other)) == render(assistant, other)
