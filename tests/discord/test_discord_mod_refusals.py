"""Every moderator action is refused for a non-moderator: commands, buttons, selects, modals."""

from __future__ import annotations

import logging
from typing import Any

import dc_factory as factory
import pytest
from dc_harness import ephemeral, reply, sent
from dc_mod import CH, GUILD, forged, pin_guide, text_of
from dc_standin import PIN_MESSAGES, StandIn

from bot.adapters.discord.client import SellerBot
from bot.core.catalogs import shared
from bot.moderation import tokens
from bot.storage import SqliteRepository

NOT_MODERATOR = shared().gettext("en", "mod.refusal.not_moderator")
NEED_PIN = shared().gettext("en", "mod.refusal.need_pin_right")
NOT_IN_SERVER = shared().gettext("en", "mod.refusal.not_in_community")

MOD_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("language", {"language": "nl"}),
    ("language", {"language": "auto"}),
    ("note", {"situation": "seller-cancel"}),
    ("notes", {}),
    ("remove-note", {"situation": "seller-cancel"}),
    ("stats", {}),
    ("log", {}),
]
PIN_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("list", {}),
    ("list", {"server": True}),
    ("remove", {"message": "placeholder"}),
    ("refresh", {}),
]


@pytest.fixture
async def state(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> dict[str, Any]:
    """A server with a note, a pinned guide (outdated) and nothing in the action log."""
    mid = await pin_guide(bot, inject, standin, "seller-cancel")
    await repo.set_note("discord", GUILD, "seller-cancel", "Ask in #help-desk", "1")
    log = await repo.list_actions("discord", GUILD)
    assert [a.action for a in log] == ["pin.add"]
    return {"mid": mid, "ref": f"{CH}-{mid}", "log": log}


async def _unchanged(standin: StandIn, repo: SqliteRepository, state: dict[str, Any]) -> None:
    assert await repo.get_note("discord", GUILD, "seller-cancel") == "Ask in #help-desk"
    assert (await repo.get_community("discord", GUILD)) is None
    assert [p.message_id for p in await repo.list_pins("discord")] == [state["ref"]]
    assert standin.pins[CH] == [state["mid"]]
    assert not standin.find("DELETE", r"/pins/")
    assert not standin.find("PATCH", r"^/api/v10/channels/")
    assert await repo.list_actions("discord", GUILD) == state["log"]


def _refusal(calls: list[Any]) -> str:
    kind, data = reply(calls)
    assert kind == 4 and ephemeral(data), data
    return text_of(data)


@pytest.mark.parametrize(("name", "options"), MOD_COMMANDS)
async def test_mod_commands_refused_for_members_and_pinners(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
    name: str,
    options: dict[str, Any],
) -> None:
    for perms in ({"moderator": False}, {"moderator": True, "manage": False}):
        body = _refusal(await inject(bot, factory.subcommand("mod", name, options, **perms)))
        assert NOT_MODERATOR in body
    await _unchanged(standin, repo, state)


@pytest.mark.parametrize(("name", "options"), PIN_COMMANDS)
async def test_pin_commands_refused_without_pin_messages(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
    name: str,
    options: dict[str, Any],
) -> None:
    if name == "remove":
        options = {"message": state["ref"]}
    body = _refusal(await inject(bot, factory.subcommand("pins", name, options)))
    assert NEED_PIN in body
    await _unchanged(standin, repo, state)


async def test_manage_server_alone_may_manage_pins(
    bot: SellerBot, inject: Any, standin: StandIn, state: dict[str, Any]
) -> None:
    body = _refusal(
        await inject(bot, factory.subcommand("pins", "list", moderator=False, manage=True))
    )
    assert NEED_PIN not in body and str(state["mid"]) in body


FORGED_OPS = [
    ("note-rm", "seller-cancel"),
    ("pin-rm", "{ref}"),
    ("pins-refresh", ""),
    ("stats", ""),
    ("log", ""),
]


@pytest.mark.parametrize(("op", "arg"), FORGED_OPS)
async def test_forged_moderator_buttons_are_refused(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
    op: str,
    arg: str,
) -> None:
    message = await sent(bot, inject, standin, factory.slash("situations"))
    custom_id = tokens.moderator("en", op, arg.format(**state))
    body = _refusal(await inject(bot, forged(message, custom_id)))
    assert (NEED_PIN if op.startswith("pin") else NOT_MODERATOR) in body
    await _unchanged(standin, repo, state)


async def test_forged_note_form_and_submits_are_refused(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
) -> None:
    message = await sent(bot, inject, standin, factory.slash("situations"))
    calls = await inject(bot, forged(message, "sbd1:note-edit:seller-cancel"))
    assert NOT_MODERATOR in _refusal(calls)  # no form is opened
    pinner = {"moderator": True, "manage": False}
    for perms in ({}, pinner):
        body = _refusal(
            await inject(
                bot,
                factory.modal_submit(
                    "sbd1:note:seller-cancel",
                    {"note": "Send all disputes to scam.example"},
                    **perms,
                ),
            )
        )
        assert NOT_MODERATOR in body
    body = _refusal(
        await inject(
            bot, factory.modal_submit("sbd1:note:seller-cancel", {"note": "x"}, where="dm")
        )
    )
    assert NOT_IN_SERVER in body
    await _unchanged(standin, repo, state)


async def test_pin_picker_select_refused_for_members(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
) -> None:
    picker = await sent(
        bot,
        inject,
        standin,
        factory.slash("pin", {"situation": "something unheard of"}, moderator=True),
    )
    _refusal(await inject(bot, factory.component(picker, "sbd1:pin:en", ["general-advice"])))
    await _unchanged(standin, repo, state)


GARBAGE = [
    "sb1:en:m:pin-rm." + "9" * 48,
    "sb1:en:m:drop-tables.x",
    "sb1:en:m:",
    "sb1:en:x:abc",
    "sb1:en:r:999.1",
    "sb1:en:r:12.99999999999",
    "sbd1:note-edit:",
    "sbd1:note-edit:../../etc",
    "sbd1:note:seller-cancel",
    "sb1:zz:x:1",
    "m" * 100,
    "\u202e\u0000",
]


@pytest.mark.parametrize("custom_id", GARBAGE)
async def test_garbage_custom_ids_never_raise(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
    custom_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    message = await sent(bot, inject, standin, factory.slash("situations"))
    with caplog.at_level(logging.ERROR):
        kind, data = reply(await inject(bot, forged(message, custom_id)))
    assert ephemeral(data) or kind == 9
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await _unchanged(standin, repo, state)


@pytest.mark.parametrize("custom_id", ["sbd1:other", "", "sbd1:note:", "x" * 100])
async def test_unknown_modal_submits_are_answered(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    repo: SqliteRepository,
    state: dict[str, Any],
    custom_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR):
        _refusal(await inject(bot, factory.modal_submit(custom_id, {"note": "hi"}, moderator=True)))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await repo.get_note("discord", GUILD, "seller-cancel") == "Ask in #help-desk"


async def test_manage_server_alone_may_pin(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    standin.bot_permissions[CH] = PIN_MESSAGES
    kind, data = reply(
        await inject(
            bot, factory.slash("pin", {"situation": "seller-cancel"}, moderator=False, manage=True)
        )
    )
    assert kind == 4 and not ephemeral(data)
    assert len(await repo.list_pins("discord")) == 1
