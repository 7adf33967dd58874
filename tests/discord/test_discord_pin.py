"""/pin: moderators only (Pin Messages), for the bot too, recorded in storage."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
import pytest
from dc_harness import T, ephemeral, reply, sent
from dc_standin import PIN_MESSAGES, StandIn

from bot.adapters.discord.client import SellerBot
from bot.core.catalogs import shared
from bot.core.engine import default_core
from bot.storage import SqliteRepository

CH = factory.CHANNEL_ID


def _pins(standin: StandIn) -> list[Any]:
    return standin.find("PUT", r"/messages/pins/")


async def test_moderator_pins_and_it_is_recorded(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    standin.bot_permissions[CH] = PIN_MESSAGES
    calls = await inject(
        bot,
        factory.slash(
            "pin", {"situation": "buyer-cancel-request", "language": "nl"}, moderator=True
        ),
    )
    kind, data = reply(calls)
    assert kind == 4 and not ephemeral(data)
    assert data["embeds"][0]["title"] == T("nl", "buyer-cancel-request.title")
    assert not any(i.startswith("sbd1:share:") for i in factory.custom_ids(data))
    mid = int(calls[0].response["interaction"]["response_message_id"])
    assert [c.status for c in _pins(standin)] == [204]
    assert standin.pins[CH] == [mid]
    pins = await repo.list_pins("discord")
    assert [(p.chat_id, p.message_id, p.situation, p.lang, p.content_version) for p in pins] == [
        (
            str(factory.GUILD_ID),
            f"{CH}-{mid}",
            "buyer-cancel-request",
            "nl",
            default_core().content_version,
        )
    ]


async def test_pin_language_defaults_to_the_server(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    standin.bot_permissions[CH] = PIN_MESSAGES
    payload = factory.slash("pin", {"situation": "seller-cancel"}, moderator=True, locale="nl")
    payload["guild_locale"] = "id"
    _kind, data = reply(await inject(bot, payload))
    assert data["embeds"][0]["title"] == T("id", "seller-cancel.title")
    assert (await repo.list_pins("discord"))[0].lang == "id"


async def test_non_moderator_is_refused(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    standin.bot_permissions[CH] = PIN_MESSAGES
    kind, data = reply(
        await inject(
            bot, factory.slash("pin", {"situation": "seller-cancel"}, moderator=False, locale="id")
        )
    )
    assert kind == 4 and ephemeral(data)
    assert data["embeds"][0]["description"].startswith("Kamu perlu izin")
    assert not _pins(standin) and not await repo.list_pins("discord")


async def test_bot_without_pin_permission_tells_what_to_grant(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    _kind, data = reply(
        await inject(
            bot,
            factory.slash("pin", {"situation": "seller-cancel"}, moderator=True, bot_can_pin=False),
        )
    )
    assert ephemeral(data)
    assert "Pin Messages" in data["embeds"][0]["description"]
    assert not _pins(standin) and not await repo.list_pins("discord")


async def test_pin_refused_by_discord_is_reported_not_recorded(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    # The interaction says the bot may pin, but the channel's overwrites say otherwise.
    await inject(bot, factory.slash("pin", {"situation": "seller-cancel"}, moderator=True))
    assert [c.status for c in _pins(standin)] == [403]
    assert standin.find("PUT", "/pins/")[0].response == {
        "code": 50013,
        "message": "Missing Permissions",
    }
    followup = standin.find("POST", r"/webhooks/")
    assert followup and followup[0].body["flags"] & 64
    assert followup[0].body["content"] == shared().gettext("en", "discord.pin.failed")
    assert not await repo.list_pins("discord")


async def test_pin_in_a_dm_is_refused(bot: SellerBot, inject: Any, standin: StandIn) -> None:
    _kind, data = reply(
        await inject(
            bot, factory.slash("pin", {"situation": "seller-cancel"}, where="dm", locale="nl")
        )
    )
    assert ephemeral(data) and "server" in data["embeds"][0]["description"]
    assert not _pins(standin)


@pytest.mark.parametrize("moderator", [True, False])
async def test_pin_picker_select_checks_permission_again(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository, moderator: bool
) -> None:
    standin.bot_permissions[CH] = PIN_MESSAGES
    picker = await sent(
        bot,
        inject,
        standin,
        factory.slash("pin", {"situation": "something unheard of"}, moderator=True),
    )
    assert picker["flags"] & 64
    assert factory.custom_ids(picker) == ["sbd1:pin:en"]
    calls = await inject(
        bot, factory.component(picker, "sbd1:pin:en", ["general-advice"], moderator=moderator)
    )
    _kind, data = reply(calls)
    if moderator:
        assert not ephemeral(data) and [c.status for c in _pins(standin)] == [204]
        assert (await repo.list_pins("discord"))[0].situation == "general-advice"
    else:
        assert ephemeral(data) and not _pins(standin)


async def test_community_note_shows_in_server_guides_and_pins(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    guild = str(factory.GUILD_ID)
    await repo.set_note("discord", guild, "seller-cancel", "Ask in *help-desk* @everyone", "42")
    _, data = reply(await inject(bot, factory.slash("guide", {"situation": "seller-cancel"})))
    body = data["embeds"][0]["description"]
    assert "Ask in \\*help\\-desk\\*" in body or "Ask in \\*help-desk\\*" in body
    assert "@everyone" not in body  # escaped, and allowed_mentions pings nobody anyway
    _, data = reply(
        await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}, where="dm"))
    )
    assert "desk" not in data["embeds"][0]["description"]  # no server, no note
    standin.bot_permissions[CH] = PIN_MESSAGES
    _, data = reply(
        await inject(bot, factory.slash("pin", {"situation": "seller-cancel"}, moderator=True))
    )
    assert "desk" in data["embeds"][0]["description"]


async def test_a_pin_that_cannot_be_recorded_is_taken_back(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.storage import StorageError

    standin.bot_permissions[CH] = PIN_MESSAGES

    async def locked(*_args: Any, **_kwargs: Any) -> None:
        raise StorageError("the database stayed locked")

    monkeypatch.setattr(bot.assistant.repo, "record_pin", locked)
    await inject(bot, factory.slash("pin", {"situation": "seller-cancel"}, moderator=True))
    assert [c.status for c in _pins(standin)] == [204]  # pinned ...
    assert [c.status for c in standin.find("DELETE", "/pins/")] == [204]  # ... and taken back
    assert not any(standin.pins.values())
    followup = standin.find("POST", r"/webhooks/")
    assert followup[-1].body["content"] == default_core().t("en", "ui.not_saved")
