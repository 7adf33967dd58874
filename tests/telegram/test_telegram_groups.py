"""Groups: commands, mentions and replies to the bot are answered; chatter never is."""

from __future__ import annotations

from typing import Any

import pytest
from tg_fixtures import BOT_ID, GROUP, SUPERGROUP, Feeder, message_update
from tg_standin import BOT_USERNAME, BotApiStandIn

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
            "message_id": 77,
            "date": 1763790000,
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
    payload = {
        "update_id": 2,
        "message": {
            "message_id": 78,
            "date": 1763790000,
            "from": {"id": 42, "is_bot": False, "first_name": "M", "language_code": "id"},
            "chat": {"id": GROUP, "type": "group", "title": "Jualan"},
            "text": "@sellerbot_test_bot",
            "entities": [{"offset": 0, "length": 19, "type": "mention"}],
        },
    }
    await feed(payload)
    [msg] = feed.sent()
    assert assistant.core.t("id", "ui.help.title") in msg["text"]


async def test_mention_of_another_bot_is_chatter(feed: Feeder, standin: BotApiStandIn) -> None:
    payload = {
        "update_id": 3,
        "message": {
            "message_id": 79,
            "date": 1763790000,
            "from": {"id": 42, "is_bot": False, "first_name": "M", "language_code": "en"},
            "chat": {"id": GROUP, "type": "group", "title": "Jualan"},
            "text": "@otherbot buyer wants to cancel",
            "entities": [{"offset": 0, "length": 9, "type": "mention"}],
        },
    }
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


async def test_guide_deletes_the_command_where_it_may(feed: Feeder, standin: BotApiStandIn) -> None:
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


ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


async def test_an_anonymous_administrator_is_answered_and_keyed_to_nothing_shared(
    feed: Feeder, assistant: Assistant, repo: Any
) -> None:
    group = {"id": SUPERGROUP, "type": "supergroup", "title": "Sellers Lounge"}
    handle = f"@{BOT_USERNAME}"
    mention = message_update(
        SUPERGROUP,
        ANONYMOUS_ADMIN,
        f"{handle} mijn koper wil annuleren",
        update_id=40,
        message_id=9940,
        sender_chat=group,
    )
    mention["message"]["entities"] = [{"type": "mention", "offset": 0, "length": len(handle)}]
    await feed(mention)
    assert assistant.core.t("nl", "buyer-cancel-request.title") in feed.sent()[-1]["text"]
    await feed(
        message_update(
            SUPERGROUP,
            ANONYMOUS_ADMIN,
            "/language id",
            update_id=41,
            message_id=9941,
            sender_chat=group,
        )
    )
    # the id every anonymous administrator everywhere shares keys nothing
    assert await repo.get_member_language("telegram", "1087968824") is None
    assert await repo.get_member_language("telegram", f"chat:{SUPERGROUP}") == "id"


@pytest.mark.parametrize("announced_in", ["old", "new", "both"])
async def test_a_group_upgraded_to_a_supergroup_keeps_what_it_had(
    feed: Feeder, repo: Any, announced_in: str
) -> None:
    old, new = GROUP, -1009876543210
    await repo.set_community_language("telegram", str(old), "nl")
    await repo.set_note("telegram", str(old), "seller-cancel", "Vraag het in #hulp", "7")
    await repo.record_question("telegram", str(old), "seller-cancel", "nl")
    admin = {"id": 777, "is_bot": False, "first_name": "A"}
    to = message_update(old, admin, "x", update_id=60, message_id=70)
    del to["message"]["text"]
    to["message"]["migrate_to_chat_id"] = new
    since = message_update(new, admin, "x", update_id=61, message_id=1)
    del since["message"]["text"]
    since["message"]["migrate_from_chat_id"] = old
    for update in {"old": [to], "new": [since], "both": [to, since]}[announced_in]:
        await feed(update)
    settings = await repo.get_community("telegram", str(new))
    assert settings is not None and settings.default_lang == "nl"
    assert await repo.get_note("telegram", str(new), "seller-cancel") == "Vraag het in #hulp"
    assert await repo.question_counts(platform="telegram", chat_id=str(new)) == [
        ("seller-cancel", "nl", 1)
    ]
    assert await repo.get_community("telegram", str(old)) is None  # nothing left behind
    assert not feed.sent()  # a status message gets no answer
