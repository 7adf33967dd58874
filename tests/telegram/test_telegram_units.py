"""Small pure pieces: addressing in groups, keyboard layout, adapter tokens, texts."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Message
from tg_fixtures import Feeder
from tg_standin import BOT_ID, BOT_USERNAME

from bot.adapters.telegram.convert import addressed_text
from bot.adapters.telegram.keyboards import (
    AdapterAction,
    has_feedback,
    keyboard,
    parse_adapter_token,
    rows_for,
)
from bot.adapters.telegram.texts import text
from bot.core.answer import Choice
from bot.core.catalogs import shared


def group_message(text: str, entities: list[dict[str, object]], **extra: object) -> Message:
    return Message.de_json(
        {
            "message_id": 1,
            "date": 0,
            "text": text,
            "entities": entities,
            "chat": {"id": -100, "type": "group", "title": "G"},
            "from": {"id": 5, "is_bot": False, "first_name": "M"},
            **extra,
        },
        None,
    )


def test_mention_is_cut_out_by_utf16_offsets() -> None:
    text_ = "😀😀 @sellerbot_test_bot buyer wants to cancel"
    msg = group_message(text_, [{"offset": 5, "length": 19, "type": "mention"}])
    assert addressed_text(msg, BOT_USERNAME, BOT_ID) == "😀😀 buyer wants to cancel"


def test_mention_is_case_insensitive_and_text_mentions_count() -> None:
    msg = group_message("@SellerBot_Test_Bot hi", [{"offset": 0, "length": 19, "type": "mention"}])
    assert addressed_text(msg, BOT_USERNAME, BOT_ID) == "hi"
    msg = group_message(
        "Sellerbot help",
        [
            {
                "offset": 0,
                "length": 9,
                "type": "text_mention",
                "user": {"id": BOT_ID, "is_bot": True, "first_name": "Sellerbot"},
            }
        ],
    )
    assert addressed_text(msg, BOT_USERNAME, BOT_ID) == "help"


def test_plain_chatter_is_not_addressed() -> None:
    assert addressed_text(group_message("hello all", []), BOT_USERNAME, BOT_ID) is None


def test_rows() -> None:
    long = [Choice(f"sb1:en:s:s{i}", "A long situation title", "situation") for i in range(3)]
    fb = [Choice("sb1:en:f:a.1", "Yes", "feedback"), Choice("sb1:en:f:a.0", "No", "feedback")]
    rows = rows_for(long + fb)
    assert [len(r) for r in rows] == [1, 1, 1, 2]
    kb = keyboard(long + fb)
    assert kb is not None and has_feedback(kb)
    assert not has_feedback(keyboard(long))
    assert keyboard([]) is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("tg1:lang:nl", AdapterAction("lang", "nl")),
        ("tg1:lang:auto", AdapterAction("lang", "auto")),
        ("tg1:pin:seller-cancel:id", AdapterAction("pin", "seller-cancel", "id")),
        ("tg1:pin:seller-cancel", None),
        ("tg1:lang:nl:id", None),
        ("tg1:drop:x", None),
        ("sb1:en:w:", None),
        (None, None),
    ],
)
def test_adapter_tokens(data: str | None, expected: AdapterAction | None) -> None:
    assert parse_adapter_token(data) == expected
    if expected is not None:
        assert expected.token == data


def test_every_adapter_text_exists_in_every_language() -> None:
    cats = shared()
    keys = {k for k in cats.raw["en"] if k.startswith("telegram.")}
    assert len(keys) >= 10
    for lang in ("en", "id", "nl"):
        assert all(cats.raw[lang].get(k, "").strip() for k in keys), lang
    assert text("fr", "pin.done", title="X") == "Pinned: X"
    assert text("nl", "pin.done", title="X").startswith("Vastgezet")


async def test_unknown_command_in_private_gets_help(feed: Feeder) -> None:
    await feed("private_start", text="/whatever")
    assert len(feed.sent()) == 1


async def test_unknown_command_in_a_group_is_ignored(feed: Feeder) -> None:
    await feed("supergroup_help_at_bot", text="/whatever")
    assert feed.sent() == []


def _private_update(uid: int, chat: int) -> Any:
    """A private text message update (PTB's own object) in chat ``chat``."""
    from telegram import Update

    return Update.de_json(
        {
            "update_id": uid,
            "message": {
                "message_id": uid,
                "date": 0,
                "text": "x",
                "chat": {"id": chat, "type": "private", "first_name": "M"},
                "from": {"id": chat, "is_bot": False, "first_name": "M"},
            },
        },
        None,
    )


async def test_updates_of_one_chat_stay_in_order_others_run_alongside() -> None:
    import asyncio

    from bot.adapters.telegram.processor import ChatOrderedProcessor

    done: list[int] = []

    async def work(uid: int, delay: float) -> None:
        await asyncio.sleep(delay)
        done.append(uid)

    proc = ChatOrderedProcessor(8)
    await asyncio.gather(
        proc.process_update(_private_update(1, 10), work(1, 0.05)),
        proc.process_update(_private_update(2, 10), work(2, 0.0)),
        proc.process_update(_private_update(3, 20), work(3, 0.01)),
    )
    assert done == [3, 1, 2]
    assert proc._locks == {}


async def test_a_flooded_chat_cannot_hold_every_slot() -> None:
    """A group's updates beyond ``per_chat`` are skipped; other chats are answered meanwhile."""
    import asyncio

    from bot.adapters.telegram.processor import ChatOrderedProcessor

    release = asyncio.Event()
    done: list[int] = []

    async def slow(uid: int) -> None:  # an answer held back by the group's flood limit
        await release.wait()
        done.append(uid)

    async def fast(uid: int) -> None:
        done.append(uid)

    proc = ChatOrderedProcessor(4, per_chat=2)
    flood = [
        asyncio.create_task(proc.process_update(_private_update(i, 10), slow(i)))
        for i in range(1, 7)
    ]
    await asyncio.sleep(0.01)
    await asyncio.wait_for(proc.process_update(_private_update(99, 20), fast(99)), 1.0)
    assert done == [99]
    release.set()
    await asyncio.gather(*flood)
    assert done == [99, 1, 2]  # the group's first two, in order; the rest skipped
    assert proc._locks == {}
