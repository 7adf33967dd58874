"""The message context menu "Answer with the guide"."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
from dc_harness import T, ephemeral, ids, reply

from bot.adapters.discord.client import SellerBot
from bot.storage import SqliteRepository

MENU = "Answer with the guide"


async def test_answers_someone_elses_message_publicly_in_its_language(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    target = factory.fixture("member_message")  # Indonesian, ending in "@everyone"
    kind, data = reply(await inject(bot, factory.message_command(MENU, target, locale="en-US")))
    assert kind == 4 and not ephemeral(data)
    assert data["embeds"][0]["title"] == T("id", "buyer-cancel-request.title")
    jump = f"https://discord.com/channels/{factory.GUILD_ID}/{factory.CHANNEL_ID}/{target['id']}"
    assert data["content"] == f"↪ {jump}"
    assert "@everyone" not in str(data)
    assert data["allowed_mentions"] == {"parse": []}
    assert not any(i.startswith("sbd1:share:") for i in ids(data))  # already public
    assert "sb1:id:f:buyer-cancel-request.1" in ids(data)
    await bot.preferences.flush()  # statistics are written in the background
    counts = await repo.question_counts(platform="discord")
    assert counts == [("buyer-cancel-request", "id", 1)]


async def test_in_a_dm_and_dutch(bot: SellerBot, inject: Any) -> None:
    target = factory.fixture("member_message")
    target.update(
        content="Mijn koper wil de bestelling annuleren, wat nu?",
        channel_id=str(factory.DM_CHANNEL_ID),
    )
    target.pop("guild_id")
    _kind, data = reply(
        await inject(bot, factory.message_command(MENU, target, where="dm", locale="nl"))
    )
    assert data["embeds"][0]["title"] == T("nl", "buyer-cancel-request.title")
    assert "/channels/@me/" in data["content"]


async def test_empty_or_offtopic_message_answers_only_the_invoker(
    bot: SellerBot, inject: Any
) -> None:
    for content in ("", "anyone up for a game tonight?"):
        target = factory.fixture("member_message")
        target["content"] = content
        kind, data = reply(await inject(bot, factory.message_command(MENU, target)))
        assert kind == 4 and ephemeral(data), content
