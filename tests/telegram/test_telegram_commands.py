"""setMyCommands: every language and scope, localized, only when changed."""

from __future__ import annotations

import pytest
from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import BadRequest
from tg_fixtures import Feeder
from tg_standin import BotApiStandIn

from bot.adapters.telegram.commands import (
    MODERATOR_COMMANDS,
    SCOPES,
    commands_for,
    sync_commands,
    validate,
)
from bot.adapters.telegram.texts import text
from bot.core.catalogs import shared

LANGUAGES = shared().languages  # every catalog in locales/, no list of our own


async def test_commands_are_registered_per_language_and_scope_once(
    feed: Feeder, standin: BotApiStandIn
) -> None:
    bot = feed.app.bot
    assert await sync_commands(bot) == len(SCOPES) * (len(LANGUAGES) + 1)
    sets = feed.calls("setMyCommands")
    assert {(c["scope"]["type"], c.get("language_code", "")) for c in sets} == {
        (scope.type, code) for scope, _ in SCOPES for code in ("", *LANGUAGES)
    }
    private_id = next(
        c
        for c in sets
        if c["scope"]["type"] == "all_private_chats" and c.get("language_code") == "id"
    )
    assert [c["command"] for c in private_id["commands"]] == [
        "start",
        "guide",
        "language",
        "reminders",
        "help",
    ]
    assert private_id["commands"][0]["description"] == "Mulai: pilih situasimu"
    admins = next(
        c
        for c in sets
        if c["scope"]["type"] == "all_chat_administrators" and c.get("language_code") == "nl"
    )
    admin_names = [c["command"] for c in admins["commands"]]
    assert set(MODERATOR_COMMANDS) <= set(admin_names)
    groups = next(
        c
        for c in sets
        if c["scope"]["type"] == "all_group_chats" and c.get("language_code") == "nl"
    )
    assert not set(MODERATOR_COMMANDS) & {c["command"] for c in groups["commands"]}
    # every description is localized, none is a bare catalog key
    assert all(not c["description"].startswith("telegram.") for s in sets for c in s["commands"])
    stats_nl = next(c for c in admins["commands"] if c["command"] == "stats")
    assert stats_nl["description"] == text("nl", "cmd.stats") != text("en", "cmd.stats")

    standin.reset_calls()
    assert await sync_commands(bot) == 0  # unchanged: nothing set again
    assert feed.calls("setMyCommands") == []
    assert len(feed.calls("getMyCommands")) == len(SCOPES) * (len(LANGUAGES) + 1)


async def test_a_changed_list_is_set_again(feed: Feeder, standin: BotApiStandIn) -> None:
    bot = feed.app.bot
    await sync_commands(bot)
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("old", "outdated")], scope=scope, language_code="nl")
    standin.reset_calls()
    assert await sync_commands(bot) == 1
    [call] = feed.calls("setMyCommands")
    assert (call["scope"]["type"], call["language_code"]) == ("all_private_chats", "nl")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_list_is_valid(lang: str) -> None:
    for _, names in SCOPES:
        assert commands_for(names, lang)


@pytest.mark.parametrize(
    "command",
    [
        BotCommand("Start", "x"),
        BotCommand("has-dash", "x"),
        BotCommand("a" * 33, "x"),
        BotCommand("ok", ""),
        BotCommand("ok", "d" * 257),
    ],
)
async def test_invalid_commands_are_refused(feed: Feeder, command: BotCommand) -> None:
    with pytest.raises(BadRequest, match=r"(?i)bot_command"):
        await feed.app.bot.set_my_commands([command])


@pytest.mark.parametrize(
    "command", [BotCommand("Start", "x"), BotCommand("has-dash", "x"), BotCommand("ok", "")]
)
def test_our_validation_agrees(command: BotCommand) -> None:
    with pytest.raises(ValueError, match="invalid bot command"):
        validate([command])
