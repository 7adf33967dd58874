"""Groups: commands, mentions and replies to the bot are answered; chatter never is."""

from __future__ import annotations

import pytest
from tg_fixtures import BOT_ID, GROUP, SUPERGROUP, Feeder
from tg_standin import BotApiStandIn

from bot.assistant import Assistant


@pytest.mark.parametrize(
    "name", ["group_chatter", "supergroup_chatter_reply", "group_photo", "group_new_member"]
)
async def test_silence_on_group_chatter(feed: Feeder, standin: BotApiStandIn, name: str) -> None:
    await feed(name)
    assert standin.calls == []


@pytest.mark.parametrize(
    ("lang", "question", "situation"),
    [
        ("en", "my buyer wants to cancel, what now?", "buyer-cancel-request"),
        ("id", "buyer saya salah order, mau order ulang", "ordered-by-mistake"),
        ("nl", "de koper is niet tevreden met de levering", "unhappy-with-delivery"),
    ],
)
async def test_mention_is_answered_as_a_reply(
    feed: Feeder, assistant: Assistant, lang: str, question: str, situation: str
) -> None:
    payload = {
        "update_id": 1,
        "message": {
            "message_id": 77, "date": 1763790000,
            "from": {"id": 42, "is_bot": False, "first_name": "M", "language_code": lang},
            "chat": {"id": SUPERGROUP, "type": "supergroup", "title": "Sellers Lounge"},
            "text": f"{question} @sellerbot_test_bot",
            "entities": [{"offset": len(question) + 1, "length": 19, "type": "mention"}],
        },
    }
    await feed(payload)
    [msg] = feed.sent()
    assert assistant.core.t(lang, f"{situation}.title") in msg["text"]
    assert msg["reply_parameters"]["message_id"] == 77
    assert msg["reply_parameters"]["allow_sending_without_reply"] is True


async def test_recorded_mention(feed: Feeder, assistant: Assistant) -> None:
    await feed("group_mention")
    [msg] = feed.sent()
    assert assistant.core.t("en", "buyer-cancel-request.title") in msg["text"]


async def test_bare_mention_gets_help(feed: Feeder, assistant: Assistant) -> None:
    payload = {"update_id": 2, "message": {
        "message_id": 78, "date": 1763790000,
        "from": {"id": 42, "is_bot": False, "first_name": "M", "language_code": "id"},
        "chat": {"id": GROUP, "type": "group", "title": "Jualan"},
        "text": "@sellerbot_test_bot",
        "entities": [{"offset": 0, "length": 19, "type": "mention"}]}}
    await feed(payload)
    [msg] = feed.sent()
    assert assistant.core.t("id", "ui.help.title") in msg["text"]


async def test_mention_of_another_bot_is_chatter(feed: Feeder, standin: BotApiStandIn) -> None:
    payload = {"update_id": 3, "message": {
        "message_id": 79, "date": 1763790000,
        "from": {"id": 42, "is_bot": False, "first_name": "M", "language_code": "en"},
        "chat": {"id": GROUP, "type": "group", "title": "Jualan"},
        "text": "@otherbot buyer wants to cancel",
        "entities": [{"offset": 0, "length": 9, "type": "mention"}]}}
    await feed(payload)
    assert standin.calls == []


async def test_reply_to_the_bot_is_answered(feed: Feeder, assistant: Assistant) -> None:
    await feed("supergroup_reply_to_bot")
    [msg] = feed.sent()
    assert assistant.core.t("nl", "ordered-by-mistake.title") in msg["text"]
    assert msg["reply_parameters"]["message_id"] == 9030


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
async def test_command_addressed_to_the_bot(feed: Feeder, assistant: Assistant, lang: str) -> None:
    await feed("supergroup_help_at_bot", lang=lang)
    [msg] = feed.sent()
    assert assistant.core.t(lang, "ui.help.title") in msg["text"]


async def test_command_for_another_bot_is_ignored(feed: Feeder, standin: BotApiStandIn) -> None:
    await feed("supergroup_help_at_bot", text="/help@otherbot")
    assert standin.calls == []


async def test_guide_as_reply_answers_that_question(
    feed: Feeder, assistant: Assistant, standin: BotApiStandIn
) -> None:
    await feed("supergroup_guide_reply")
    [msg] = feed.sent()
    # answered in the asker's language (Indonesian), as a reply to their question
    assert assistant.core.t("id", "buyer-cancel-request.title") in msg["text"]
    assert msg["reply_parameters"]["message_id"] == 9040
    # no right to delete: the command message stays, and nothing breaks
    assert feed.calls("deleteMessage") == [{"chat_id": SUPERGROUP, "message_id": 9041}]


async def test_guide_deletes_the_command_where_it_may(
    feed: Feeder, standin: BotApiStandIn
) -> None:
    standin.make_admin(SUPERGROUP, BOT_ID, can_delete_messages=True)
    await feed("supergroup_guide_reply")
    assert len(feed.sent()) == 1
    assert feed.calls("deleteMessage") == [{"chat_id": SUPERGROUP, "message_id": 9041}]
    assert (SUPERGROUP, 9041) not in standin.messages


async def test_guide_alone_starts_the_steps(feed: Feeder, assistant: Assistant) -> None:
    await feed("supergroup_help_at_bot", text="/guide")
    [msg] = feed.sent()
    assert assistant.core.t("id", "flow.who.question") in msg["text"]
    assert msg["reply_parameters"]["message_id"] == 9060
