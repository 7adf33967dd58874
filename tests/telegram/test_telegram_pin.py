"""/pin: administrators only (also through buttons), the bot's right checked, pins recorded."""

from __future__ import annotations

from typing import Any

from tg_fixtures import BOT_ID, SUPERGROUP, USERS, Feeder, callback_on
from tg_standin import BotApiStandIn

from bot.adapters.telegram.texts import text
from bot.assistant import Assistant

NL_USER = {"id": USERS["nl"], "is_bot": False, "first_name": "Sanne", "language_code": "nl"}


async def test_non_admin_pin_is_refused(feed: Feeder, standin: BotApiStandIn, repo: Any) -> None:
    await feed("supergroup_pin")
    [msg] = feed.sent()
    assert msg["text"] == text("nl", "pin.only_admins")
    assert feed.calls("getChatMember") == [{"chat_id": SUPERGROUP, "user_id": USERS["nl"]}]
    assert feed.calls("pinChatMessage") == []
    assert await repo.list_pins("telegram") == []


async def test_admin_is_told_what_to_grant(feed: Feeder, standin: BotApiStandIn, repo: Any) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=False)
    await feed("supergroup_pin")
    [msg] = feed.sent()
    assert msg["text"] == text("nl", "pin.grant")
    assert feed.calls("pinChatMessage") == []
    assert await repo.list_pins("telegram") == []


async def test_pin_refused_by_telegram_tells_what_to_grant(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    """getChatMember said yes, but the right was removed before pinChatMessage."""
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    original = standin.api_getChatMember

    def revoke_after(p: dict[str, Any]) -> dict[str, Any]:
        answer = original(p)
        if int(p["user_id"]) == BOT_ID:
            standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=False)
        return answer

    standin.api_getChatMember = revoke_after  # type: ignore[method-assign]
    await feed("supergroup_pin")
    assert feed.sent()[-1]["text"] == text("nl", "pin.grant")
    assert await repo.list_pins("telegram") == []


async def test_admin_pins_and_the_pin_is_recorded(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    standin.set_member(SUPERGROUP, USERS["nl"], "creator", is_anonymous=False)
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await feed("supergroup_pin")
    [answer] = feed.sent()
    assert assistant.core.t("nl", "buyer-cancel-request.title") in answer["text"]
    [pin] = feed.calls("pinChatMessage")
    assert pin["chat_id"] == SUPERGROUP and pin["disable_notification"] is True
    [record] = await repo.list_pins("telegram")
    assert (record.chat_id, record.message_id) == (str(SUPERGROUP), str(pin["message_id"]))
    assert (record.situation, record.lang) == ("buyer-cancel-request", "nl")
    assert record.content_version == assistant.core.content_version


async def test_pin_by_prefix_and_language(feed: Feeder, standin: BotApiStandIn, repo: Any) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await feed("supergroup_pin", text="/pin seller id")
    [record] = await repo.list_pins("telegram")
    assert (record.situation, record.lang) == ("seller-cancel", "id")


async def test_anonymous_admin_may_pin(feed: Feeder, standin: BotApiStandIn, repo: Any) -> None:
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    chat = {"id": SUPERGROUP, "type": "supergroup", "title": "Sellers Lounge"}
    payload = {
        "update_id": 5,
        "message": {
            "message_id": 9080,
            "date": 1763790000,
            "from": {
                "id": 1087968824,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            },
            "sender_chat": chat,
            "chat": chat,
            "text": "/pin general-advice",
            "entities": [{"offset": 0, "length": 4, "type": "bot_command"}],
        },
    }
    await feed(payload)
    assert len(await repo.list_pins("telegram")) == 1


async def test_pin_in_private_chat(feed: Feeder) -> None:
    await feed("private_start", text="/pin buyer-cancel-request")
    assert feed.sent()[0]["text"] == text("nl", "pin.only_groups")


async def test_pin_buttons_check_the_presser(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await feed("supergroup_pin", text="/pin")
    [chooser] = feed.sent()
    data = [b["callback_data"] for row in chooser["reply_markup"]["inline_keyboard"] for b in row]
    assert "tg1:pin:seller-cancel:nl" in data
    stored = feed.last_message(SUPERGROUP)

    # an ordinary member presses: refused, nothing pinned
    member = {"id": 999, "is_bot": False, "first_name": "X", "language_code": "en"}
    await feed(callback_on(stored, "tg1:pin:seller-cancel:nl", member, 801))
    [answered] = feed.calls("answerCallbackQuery")
    assert answered["text"] == text("en", "pin.only_admins")
    assert feed.calls("pinChatMessage") == []

    # the administrator presses: pinned, recorded, chooser replaced
    await feed(callback_on(stored, "tg1:pin:seller-cancel:nl", NL_USER, 802))
    assert len(feed.calls("pinChatMessage")) == 1
    [record] = await repo.list_pins("telegram")
    assert record.situation == "seller-cancel"
    title = assistant.core.t("nl", "seller-cancel.title")
    edited = standin.messages[(SUPERGROUP, stored["message_id"])]
    assert edited["text"] == text("nl", "pin.done", title=title)
    assert "reply_markup" not in edited
    assert len(feed.calls("answerCallbackQuery")) == 2


async def test_a_pin_with_no_answer_is_checked_and_never_left_half_done(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    """pinChatMessage gets no answer (a 5xx, every retry): the bot asks Telegram which message
    is pinned. Not ours: 'try again', and no record. Ours: recorded like any pin."""
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    standin.fail("pinChatMessage", 502, times=8)
    await feed("supergroup_pin", allow_errors=True)
    assert feed.sent()[-1]["text"] == assistant.core.t("nl", "ui.not_saved")
    assert await repo.list_pins("telegram") == [] and not standin.pinned
    standin.failures.clear()

    original = standin.api_pinChatMessage

    def pinned_then_failed(p: dict[str, Any]) -> bool:
        original(p)  # carried out ...
        raise RuntimeError("... but the answer was lost")  # the stand-in answers 500

    standin.api_pinChatMessage = pinned_then_failed  # type: ignore[method-assign]
    await feed("supergroup_pin", update_id=2, allow_errors=True)
    [pin] = await repo.list_pins("telegram")
    assert (int(pin.chat_id), int(pin.message_id)) == standin.pinned[-1]


async def test_a_pin_that_cannot_be_recorded_is_taken_back(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    from bot.storage import StorageError

    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)

    async def locked(*_args: Any, **_kwargs: Any) -> None:
        raise StorageError("the database stayed locked")

    repo.record_pin = locked
    await feed("supergroup_pin")
    assert feed.sent()[-1]["text"] == assistant.core.t("nl", "ui.not_saved")
    assert feed.calls("pinChatMessage") and not standin.pinned  # pinned, then taken back
