"""Moderators: the group's language, notes, stats and the action log; every action refused for
members (commands, buttons, forged callback data), never an exception."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tg_fixtures import BOT_ID, GROUP, SUPERGROUP, USERS, Feeder, callback_on, message_update
from tg_standin import BotApiStandIn

from bot.adapters.telegram.texts import text
from bot.assistant import Assistant
from bot.moderation import ManualClock, community_stats, render_stats, tokens
from bot.moderation.notes import MAX_NOTE_CHARS
from bot.moderation.texts import text as mod_text

ADMIN = {"id": USERS["nl"], "is_bot": False, "first_name": "Sanne", "language_code": "nl"}
MEMBER = {"id": USERS["en"], "is_bot": False, "first_name": "Alex", "language_code": "en"}
ASK = "@sellerbot_test_bot my buyer wants to cancel the order, what do I do?"
NOTE = 'Post disputes in <b>#help-desk</b> & tag @everyone "now"'


def mention(chat: int, user: dict[str, Any], update_id: int) -> dict[str, Any]:
    update = message_update(chat, user, ASK, update_id=update_id, message_id=update_id)
    update["message"]["entities"] = [{"offset": 0, "length": 19, "type": "mention"}]
    return update


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        b["callback_data"]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for b in row
    ]


# -- notes --------------------------------------------------------------------------------------
async def test_notes_show_only_in_their_group_and_are_escaped(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    await feed(message_update(SUPERGROUP, ADMIN, f"/note buyer-cancel {NOTE}", update_id=1))
    assert feed.sent()[-1]["text"].startswith(text("nl", "note.saved", title="")[:10])
    assert await repo.get_note("telegram", str(SUPERGROUP), "buyer-cancel-request") == NOTE

    await feed(mention(SUPERGROUP, MEMBER, 2))
    here = feed.last_message(SUPERGROUP)
    assert NOTE in here["text"]  # shown as typed...
    assert "&lt;b&gt;#help-desk&lt;/b&gt; &amp; tag @everyone" in here["html"]  # ...escaped

    await feed(mention(GROUP, MEMBER, 3))
    assert "help-desk" not in feed.last_message(GROUP)["text"]
    await feed("private_text")
    private = [m for m in feed.sent() if int(m["chat_id"]) > 0]
    assert private and all("help-desk" not in m["text"] for m in private)


async def test_notes_are_listed_edited_and_removed(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    await feed(message_update(SUPERGROUP, ADMIN, "/note seller-cancel first", update_id=1))
    await feed(message_update(SUPERGROUP, ADMIN, "/note seller-cancel second", update_id=2))
    await feed(message_update(SUPERGROUP, ADMIN, "/note general Ask <here>", update_id=3))
    await feed(message_update(SUPERGROUP, ADMIN, "/notes", update_id=4))
    listing = feed.last_message(SUPERGROUP)
    assert "second" in listing["text"] and "first" not in listing["text"]
    assert "Ask &lt;here&gt;" in listing["html"]
    remove = tokens.moderator("nl", "note-rm", "seller-cancel")
    assert remove in buttons(listing)

    await feed(callback_on(listing, remove, MEMBER, 5))  # a member: refused
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("nl", "refusal.not_moderator")
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") == "second"

    await feed(callback_on(listing, remove, ADMIN, 6))
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") is None
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text("nl", "note.removed")
    assert "second" not in standin.messages[(SUPERGROUP, listing["message_id"])]["text"]
    await feed(callback_on(listing, remove, ADMIN, 7))  # again: out of date
    assert feed.calls("answerCallbackQuery")[-1]["text"] == assistant.core.t("nl", "ui.stale")

    await feed(message_update(SUPERGROUP, ADMIN, "/delnote general-advice", update_id=8))
    assert feed.sent()[-1]["text"] == mod_text("nl", "note.removed")
    await feed(message_update(SUPERGROUP, ADMIN, "/delnote general-advice", update_id=9))
    assert feed.sent()[-1]["text"] == mod_text("nl", "note.none")
    actions = [a.action for a in await repo.list_actions("telegram", str(SUPERGROUP))]
    assert actions.count("note.set") == 3 and actions.count("note.remove") == 2


async def test_bad_notes_are_refused_clearly(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    await feed(message_update(SUPERGROUP, ADMIN, "/note seller-cancel " + "x" * 400, update_id=1))
    assert feed.sent()[-1]["text"] == mod_text(
        "nl", "note.too_long", length=400, max=MAX_NOTE_CHARS
    )
    await feed(message_update(SUPERGROUP, ADMIN, "/note nonsense some text", update_id=2))
    assert feed.sent()[-1]["text"] == mod_text("nl", "note.unknown_situation", value="nonsense")
    await feed(message_update(SUPERGROUP, ADMIN, "/note", update_id=3))
    assert "/note" in feed.sent()[-1]["text"] and "seller-cancel" in feed.sent()[-1]["text"]
    assert await repo.list_notes("telegram", str(SUPERGROUP)) == []


# -- the group's language -------------------------------------------------------------------
async def test_group_language_by_command_and_buttons(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang id", update_id=1))
    settings = await repo.get_community("telegram", str(SUPERGROUP))
    assert settings.default_lang == "id"
    # a member without a saved language now gets Indonesian here
    await feed(message_update(SUPERGROUP, MEMBER, "/help", update_id=2))
    assert assistant.core.t("id", "ui.help.title") in feed.sent()[-1]["text"]

    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang", update_id=3))
    chooser = feed.last_message(SUPERGROUP)
    assert {"tg1:glang:en", "tg1:glang:id", "tg1:glang:nl", "tg1:glang:auto"} <= set(
        buttons(chooser)
    )
    await feed(callback_on(chooser, "tg1:glang:auto", MEMBER, 4))
    assert (await repo.get_community("telegram", str(SUPERGROUP))).default_lang == "id"
    await feed(callback_on(chooser, "tg1:glang:auto", ADMIN, 5))
    assert (await repo.get_community("telegram", str(SUPERGROUP))).default_lang is None
    assert standin.messages[(SUPERGROUP, chooser["message_id"])]["text"] == mod_text(
        "nl", "lang.community_follow"
    )
    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang klingon", update_id=6))
    assert feed.sent()[-1]["text"] == mod_text("nl", "note.unknown_language", value="klingon")
    logged = [
        a.detail
        for a in await repo.list_actions("telegram", str(SUPERGROUP))
        if a.action == "language.set"
    ]
    assert logged == ["follow each member", "id"]


# -- stats ---------------------------------------------------------------------------------
async def test_stats_match_the_recorded_events(
    feed: Feeder, standin: BotApiStandIn, repo: Any, assistant: Assistant, clock: ManualClock
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    now, here = clock.now(), str(SUPERGROUP)
    day = timedelta(days=1)
    for at, sid, lang in [
        (now - day, "buyer-cancel-request", "en"),
        (now - 2 * day, "buyer-cancel-request", "id"),
        (now - 3 * day, None, "nl"),
        (now - 10 * day, "seller-cancel", "id"),
        (now - 40 * day, "seller-cancel", "en"),
    ]:
        await repo.record_question("telegram", here, sid, lang, at=at)
    await repo.record_question("telegram", str(GROUP), "seller-cancel", "en", at=now - day)
    for text_ in ("where is my payout", "Where is  my payout", "<script>hi</script>"):
        await repo.record_unrouted("telegram", here, text_, "en", at=now - 3 * day)
    for i, helpful in enumerate((True, True, True, False)):
        await repo.record_feedback(
            "telegram",
            str(i),
            f"m{i}",
            "buyer-cancel-request",
            "en",
            helpful,
            chat_id=here,
            at=now - day,
        )
    await feed(mention(SUPERGROUP, MEMBER, 1))  # one asked through the bot, now

    await feed(message_update(SUPERGROUP, ADMIN, "/stats", update_id=2))
    message = feed.last_message(SUPERGROUP)
    expected = render_stats(
        assistant.core, await community_stats(repo, "telegram", here, clock.now()), "nl", "telegram"
    )
    assert message["html"] == expected
    plain = message["text"]
    seven, thirty = plain.split(mod_text("nl", "stats.last_days", days=30))
    assert mod_text("nl", "stats.total", count=4) in seven  # 3 recorded + 1 asked
    assert mod_text("nl", "stats.total", count=5) in thirty  # + the one 10 days ago
    assert mod_text("nl", "stats.helpful_row", helpful=3, total=4, percent=75) in plain
    assert "where is my payout (2×)" in plain
    assert "<script>hi</script>" in plain and "&lt;script&gt;" in message["html"]
    assert str(USERS["en"]) not in plain  # no member identities
    assert buttons(message) == [tokens.moderator("nl", "stats")]

    # its update button re-reads the numbers in place; a member's press is refused
    await repo.record_question("telegram", here, "seller-cancel", "nl", at=now)
    await feed(callback_on(message, tokens.moderator("nl", "stats"), MEMBER, 3))
    assert standin.messages[(SUPERGROUP, message["message_id"])]["html"] == expected
    await feed(callback_on(message, tokens.moderator("nl", "stats"), ADMIN, 4))
    updated = standin.messages[(SUPERGROUP, message["message_id"])]["text"]
    assert (
        mod_text("nl", "stats.total", count=5)
        in updated.split(mod_text("nl", "stats.last_days", days=30))[0]
    )


# -- the action log --------------------------------------------------------------------------
async def test_the_action_log_says_who_did_what_when(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await feed(message_update(SUPERGROUP, ADMIN, "/note seller-cancel See <#rules>", update_id=1))
    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang en", update_id=2))
    await feed(message_update(SUPERGROUP, ADMIN, "/pin seller-cancel", update_id=3))
    await feed(message_update(SUPERGROUP, MEMBER, "/modlog", update_id=4))
    assert feed.sent()[-1]["text"] == mod_text("en", "refusal.not_moderator")
    await feed(message_update(SUPERGROUP, ADMIN, "/modlog", update_id=5))
    log = feed.last_message(SUPERGROUP)
    lines = log["text"].splitlines()
    # (the group's language is now English, and Sanne saved none of her own)
    assert lines[0] == mod_text("en", "log.title")
    assert mod_text("en", "log.action.pin.add") in lines[1]
    assert mod_text("en", "log.action.language.set") in lines[2]
    assert mod_text("en", "log.action.note.set") in lines[3]
    assert all(mod_text("en", "log.by", who=USERS["nl"]) in line for line in lines[1:])
    assert "&lt;#rules&gt;" in log["html"]


# -- refusals ------------------------------------------------------------------------------
MOD_COMMANDS = [
    "/pins",
    "/unpin 5001",
    "/refreshpins",
    "/grouplang nl",
    "/grouplang",
    "/note seller-cancel hi",
    "/note",
    "/notes",
    "/delnote seller-cancel",
    "/stats",
    "/modlog",
]


@pytest.mark.parametrize("command", MOD_COMMANDS)
async def test_every_moderator_command_is_refused_for_a_member(
    feed: Feeder, standin: BotApiStandIn, repo: Any, command: str
) -> None:
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await repo.record_pin("telegram", str(SUPERGROUP), "5001", "seller-cancel", "en", "x")
    await feed(message_update(SUPERGROUP, MEMBER, command, update_id=1))
    [reply] = feed.sent()
    assert reply["text"] == mod_text("en", "refusal.not_moderator")
    assert {"chat_id": SUPERGROUP, "user_id": USERS["en"]} in feed.calls("getChatMember")
    for method in ("editMessageText", "unpinChatMessage", "pinChatMessage"):
        assert feed.calls(method) == []
    assert len(await repo.list_pins("telegram")) == 1
    assert await repo.list_actions("telegram", str(SUPERGROUP)) == []
    assert await repo.get_community("telegram", str(SUPERGROUP)) is None


@pytest.mark.parametrize("command", MOD_COMMANDS)
async def test_moderator_commands_in_a_private_chat(feed: Feeder, command: str) -> None:
    await feed(message_update(USERS["nl"], ADMIN, command, update_id=1))
    assert feed.sent()[-1]["text"] == mod_text("nl", "refusal.not_in_community")
    assert feed.calls("getChatMember") == []


FORGED = [
    tokens.moderator("en", "note-rm", "seller-cancel"),
    tokens.moderator("en", "pin-rm", "5001"),
    tokens.moderator("en", "pins-refresh"),
    tokens.moderator("en", "stats"),
    tokens.moderator("en", "log"),
    "sb1:en:m:pin-rm.abc",
    "sb1:en:m:stats.extra",
    "sb1:zz:m:log.",
    "tg1:glang:id",
    "tg1:glang:xx",
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_moderator_callbacks_are_refused_for_members(
    feed: Feeder, standin: BotApiStandIn, repo: Any, data: str
) -> None:
    standin.make_admin(SUPERGROUP, BOT_ID, can_pin_messages=True)
    await repo.record_pin("telegram", str(SUPERGROUP), "5001", "seller-cancel", "en", "x")
    await repo.set_note("telegram", str(SUPERGROUP), "seller-cancel", "keep", "1")
    bot_message = await feed.app.bot.send_message(SUPERGROUP, "any message of the bot")
    standin.reset_calls()
    await feed(callback_on(feed.message(SUPERGROUP, bot_message.message_id), data, MEMBER, 1))
    [answered] = feed.calls("answerCallbackQuery")
    assert answered["text"] == mod_text("en", "refusal.not_moderator")
    assert feed.calls("getChatMember") == [{"chat_id": SUPERGROUP, "user_id": USERS["en"]}]
    for method in ("editMessageText", "unpinChatMessage", "sendMessage"):
        assert feed.calls(method) == []
    assert len(await repo.list_pins("telegram")) == 1
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") == "keep"
    assert await repo.list_actions("telegram", str(SUPERGROUP)) == []


@pytest.mark.parametrize(
    "data",
    [
        "sb1:en:m:pin-rm.abc",
        "sb1:en:m:pin-rm.999",
        "sb1:en:m:note-rm.nothing",
        "sb1:en:m:stats.extra",
        "sb1:en:m:log.x",
        "tg1:glang:xx",
    ],
)
async def test_stale_moderator_callbacks_get_the_out_of_date_notice(
    feed: Feeder, standin: BotApiStandIn, assistant: Assistant, data: str
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    bot_message = await feed.app.bot.send_message(SUPERGROUP, "an old list")
    standin.reset_calls()
    await feed(callback_on(feed.message(SUPERGROUP, bot_message.message_id), data, ADMIN, 1))
    [answered] = feed.calls("answerCallbackQuery")
    lang = "nl" if data.startswith("tg1") else "en"
    assert answered["text"] == assistant.core.t(lang, "ui.stale")
    assert feed.calls("unpinChatMessage") == []


@pytest.mark.parametrize(
    "data", ["sb1:en:m:nothing.", "sb1:en:m:" + "a" * 60, "sb1:en:x:abc", "sb1:en:r:12.notanumber"]
)
async def test_malformed_tokens_are_just_out_of_date(
    feed: Feeder, standin: BotApiStandIn, assistant: Assistant, data: str
) -> None:
    bot_message = await feed.app.bot.send_message(SUPERGROUP, "an old menu")
    standin.reset_calls()
    await feed(callback_on(feed.message(SUPERGROUP, bot_message.message_id), data, MEMBER, 1))
    [answered] = feed.calls("answerCallbackQuery")
    assert answered["text"] == assistant.core.t("en", "ui.stale")


async def test_moderator_buttons_in_a_private_chat_are_refused(feed: Feeder) -> None:
    bot_message = await feed.app.bot.send_message(USERS["nl"], "hi")
    await feed(
        callback_on(
            feed.message(USERS["nl"], bot_message.message_id),
            tokens.moderator("nl", "stats"),
            ADMIN,
            1,
        )
    )
    assert feed.calls("answerCallbackQuery")[-1]["text"] == mod_text(
        "nl", "refusal.not_in_community"
    )
    assert feed.calls("getChatMember") == []


async def test_anonymous_administrators_may_act(feed: Feeder, repo: Any) -> None:
    chat = {"id": SUPERGROUP, "type": "supergroup", "title": "Sellers Lounge"}
    anonymous = {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    await feed(
        message_update(
            SUPERGROUP, anonymous, "/note seller-cancel hello", update_id=1, sender_chat=chat
        )
    )
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") == "hello"


async def test_a_note_from_a_replied_message(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    standin.make_admin(SUPERGROUP, USERS["nl"])
    original = message_update(
        SUPERGROUP, MEMBER, "Disputes go to\nthe help desk", update_id=1, message_id=50
    )["message"]
    await feed(
        message_update(SUPERGROUP, ADMIN, "/note seller-cancel", update_id=2, reply_to=original)
    )
    assert (
        await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel")
        == "Disputes go to the help desk"
    )
    await feed(message_update(SUPERGROUP, ADMIN, "/note seller-cancel", update_id=3))
    assert text("nl", "note.current", title="", note="")[:8] in feed.sent()[-1]["text"]


async def test_group_language_is_named_in_the_readers_language(
    feed: Feeder, standin: BotApiStandIn
) -> None:
    """The status names the group's language in the reader's language; the chooser shows each
    language's own name as well, so an administrator who does not read it finds theirs."""
    standin.make_admin(SUPERGROUP, USERS["nl"])
    await feed("private_language", text="/language nl", user_id=USERS["nl"])  # Sanne reads Dutch
    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang id", update_id=1))
    assert feed.sent()[-1]["text"] == mod_text("nl", "lang.community_set", language="Indonesisch")
    await feed(message_update(SUPERGROUP, ADMIN, "/grouplang", update_id=2))
    chooser = feed.last_message(SUPERGROUP)
    assert text("nl", "grouplang.current", language="Indonesisch") == chooser["text"]
    shown = [b["text"] for row in chooser["reply_markup"]["inline_keyboard"] for b in row]
    assert shown[:3] == ["English (Engels)", "Indonesia (Indonesisch)", "Nederlands"]


async def test_a_rights_check_that_fails_for_now_says_try_again(
    feed: Feeder, standin: BotApiStandIn, repo: Any
) -> None:
    """A timeout or 5xx from getChatMember is not 'you are no moderator', and nothing is
    changed; once Telegram answers again, the administrator's note is kept."""
    standin.make_admin(SUPERGROUP, USERS["nl"])
    standin.fail("getChatMember", 502, times=8)
    await feed(
        message_update(SUPERGROUP, ADMIN, "/note seller-cancel Vraag het in #hulp", update_id=1),
        allow_errors=True,
    )
    said = feed.sent()[-1]["text"]
    assert said == mod_text("nl", "refusal.rights_unknown")
    assert said != mod_text("nl", "refusal.not_moderator")
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") is None
    standin.failures.clear()
    await feed(
        message_update(SUPERGROUP, ADMIN, "/note seller-cancel Vraag het in #hulp", update_id=2)
    )
    assert await repo.get_note("telegram", str(SUPERGROUP), "seller-cancel") == "Vraag het in #hulp"
