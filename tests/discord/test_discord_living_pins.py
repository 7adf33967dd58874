"""Living pins: new guidance edits exactly the bot's own pins in place; gone pins are forgotten."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
from dc_harness import T, ephemeral, reply, sent, start_bot
from dc_mod import CH, GUILD, age_pins, patches, pin_guide, text_of
from dc_standin import BOT_USER, PIN_MESSAGES, StandIn

from bot.adapters.discord.client import SellerBot
from bot.assistant import Assistant
from bot.core.engine import default_core
from bot.moderation import tokens
from bot.storage import SqliteRepository

OTHER_CH = 710000000000000002
VERSION = default_core().content_version


async def _restart(assistant: Assistant) -> SellerBot:
    bot = await start_bot(assistant)
    assert bot.startup is not None
    await bot.startup
    return bot


async def test_new_guidance_edits_exactly_the_bots_pins_at_start_up(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    assistant: Assistant,
) -> None:
    first = await pin_guide(bot, inject, standin, "buyer-cancel-request", lang="nl")
    second = await pin_guide(bot, inject, standin, "seller-cancel", channel=OTHER_CH)
    # Messages the bot does not own as pins: a member's pinned message, a plain bot message.
    member_msg = standin._message(CH, {"content": "house rules"}, 0)
    member_msg["author"] = {**BOT_USER, "id": "800000000000000009", "bot": False}
    standin.pins[CH].append(int(member_msg["id"]))
    unrecorded = standin._message(CH, {"content": "hello"}, 0)
    await age_pins(repo)

    restarted = await _restart(assistant)
    try:
        edited = patches(standin)
        assert sorted(c.path for c in edited) == sorted(
            [
                f"/api/v10/channels/{CH}/messages/{first}",
                f"/api/v10/channels/{OTHER_CH}/messages/{second}",
            ]
        )
        assert all(c.status == 200 for c in edited)
        assert standin.pins[CH] == [first, int(member_msg["id"])]  # same messages, still pinned
        assert standin.pins[OTHER_CH] == [second]
        assert standin.messages[first]["embeds"][0]["title"] == T(
            "nl", "buyer-cancel-request.title"
        )
        assert standin.messages[int(unrecorded["id"])]["edited_timestamp"] is None
        assert {p.content_version for p in await repo.list_pins("discord")} == {VERSION}
    finally:
        await restarted.close()
    # Nothing is outdated any more: the next start edits nothing.
    again = await _restart(assistant)
    await again.close()
    assert len(patches(standin)) == 2


async def test_hand_deleted_pin_is_forgotten_not_retried(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    kept = await pin_guide(bot, inject, standin, "seller-cancel")
    gone = await pin_guide(bot, inject, standin, "general-advice")
    standin.delete_by_hand(gone)
    await age_pins(repo)
    calls = await inject(bot, factory.subcommand("pins", "refresh", moderator=True, manage=False))
    edits = {c.path.rsplit("/", 1)[-1]: c for c in patches(standin)}
    assert edits[str(gone)].status == 404
    assert edits[str(gone)].response == {"code": 10008, "message": "Unknown Message"}
    assert edits[str(kept)].status == 200
    assert [p.message_id for p in await repo.list_pins("discord")] == [f"{CH}-{kept}"]
    followup = [c for c in calls if c.method == "PATCH" and c.path.endswith("/@original")]
    assert "1 pinned answers updated, 1 forgotten, 0 failed" in text_of(followup[-1].body)
    before = len(standin.calls)
    await inject(bot, factory.subcommand("pins", "refresh", moderator=True))
    assert not patches(standin)[2:] and len(standin.calls) > before  # nothing retried


async def test_pin_unpinned_by_hand_is_forgotten(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    standin.pins[CH].remove(mid)
    standin.messages[mid]["pinned"] = False
    await age_pins(repo)
    report = await bot.desk.refresh_all_pins()
    assert (report.edited, report.forgotten) == (0, 1)
    assert not await repo.list_pins("discord")


async def test_list_and_remove_pins(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    here = await pin_guide(bot, inject, standin, "seller-cancel")
    there = await pin_guide(bot, inject, standin, "general-advice", channel=OTHER_CH)
    _, data = reply(await inject(bot, factory.subcommand("pins", "list", moderator=True)))
    assert ephemeral(data)
    body = text_of(data)
    assert T("en", "seller-cancel.title") in body and str(here) in body
    assert T("en", "general-advice.title") not in body  # another channel
    listing = await sent(
        bot, inject, standin, factory.subcommand("pins", "list", {"server": True}, moderator=True)
    )
    assert str(there) in text_of(listing) and f"<#{OTHER_CH}>" in text_of(listing)
    unpin = tokens.moderator("en", "pin-rm", f"{OTHER_CH}-{there}")
    assert unpin in factory.custom_ids(listing)
    _, done = reply(
        await inject(bot, factory.component(listing, unpin, moderator=True, manage=False))
    )
    assert ephemeral(done)
    assert standin.find("DELETE", rf"/channels/{OTHER_CH}/messages/pins/{there}")[0].status == 204
    assert there not in standin.pins[OTHER_CH] and there in standin.messages
    assert [p.message_id for p in await repo.list_pins("discord")] == [f"{CH}-{here}"]
    # /pins remove, by message link.
    link = f"https://discord.com/channels/{GUILD}/{CH}/{here}"
    await inject(bot, factory.subcommand("pins", "remove", {"message": link}, moderator=True))
    assert not await repo.list_pins("discord") and not standin.pins[CH]
    log = await repo.list_actions("discord", GUILD)
    assert [a.action for a in log] == ["pin.remove", "pin.remove", "pin.add", "pin.add"]


async def test_pin_autocomplete_lists_server_pins_for_moderators_only(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    for moderator, expected in ((True, [f"{CH}-{mid}"]), (False, [])):
        p = factory.envelope(4, moderator=moderator)
        p["data"] = {
            "id": "910000000000000002",
            "name": "pins",
            "type": 1,
            "options": [
                {
                    "name": "remove",
                    "type": 1,
                    "options": [{"name": "message", "type": 3, "value": "", "focused": True}],
                }
            ],
        }
        calls = await inject(bot, p)
        choices = calls[0].body["data"]["choices"]
        assert [c["value"] for c in choices] == expected


async def test_note_change_refreshes_the_pins_under_it(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    await inject(
        bot,
        factory.modal_submit(
            "sbd1:note:seller-cancel", {"note": "Ask in #help-desk first"}, moderator=True
        ),
    )
    assert [c.path for c in patches(standin)] == [f"/api/v10/channels/{CH}/messages/{mid}"]
    assert "help\\-desk" in standin.messages[mid]["embeds"][0]["description"] or (
        "help-desk" in standin.messages[mid]["embeds"][0]["description"]
    )
    assert (await repo.list_pins("discord"))[0].content_version.startswith(VERSION + "+")
    assert standin.pins[CH] == [mid]


async def test_bot_pins_need_the_bots_permission_to_unpin(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    standin.bot_permissions[CH] = 0
    _, data = reply(
        await inject(
            bot, factory.subcommand("pins", "remove", {"message": f"{CH}-{mid}"}, moderator=True)
        )
    )
    assert "Pin Messages" in text_of(data)
    assert len(await repo.list_pins("discord")) == 1  # kept: it is still pinned
    standin.bot_permissions[CH] = PIN_MESSAGES


async def test_pins_recorded_per_channel_move_under_their_server(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    gone_channel = 710000000000000077
    await repo.forget_pin("discord", GUILD, f"{CH}-{mid}")
    # As the first Discord version recorded them: chat = channel, plain message id.
    await repo.record_pin("discord", str(CH), str(mid), "seller-cancel", "en", "old")
    await repo.record_pin("discord", str(gone_channel), "123", "seller-cancel", "en", "old")
    standin.channels[CH] = factory.GUILD_ID
    report = await bot.desk.refresh_all_pins()
    assert (report.edited, report.forgotten) == (1, 0)
    (pin,) = await repo.list_pins("discord")
    assert (pin.chat_id, pin.message_id, pin.content_version) == (GUILD, f"{CH}-{mid}", VERSION)
    assert [c.path for c in patches(standin)] == [f"/api/v10/channels/{CH}/messages/{mid}"]
