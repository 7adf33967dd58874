"""The bot's command lists, localized, registered with setMyCommands only when they changed."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)

from bot.adapters.telegram.texts import text
from bot.core.catalogs import shared

log = logging.getLogger(__name__)

#: Commands for chat administrators only (every one checks getChatMember when used).
MODERATOR_COMMANDS = (
    "pin",
    "pins",
    "unpin",
    "refreshpins",
    "note",
    "notes",
    "delnote",
    "grouplang",
    "stats",
    "modlog",
    "dashboard",
)
#: The command list for each scope; descriptions come from :mod:`.texts` (``cmd.<name>``).
SCOPES: tuple[tuple[BotCommandScope, tuple[str, ...]], ...] = (
    (BotCommandScopeAllPrivateChats(), ("start", "guide", "language", "reminders", "help")),
    (BotCommandScopeAllGroupChats(), ("guide", "language", "reminders", "help")),
    (
        BotCommandScopeAllChatAdministrators(),
        (
            "guide",
            "language",
            "reminders",
            "help",
            *MODERATOR_COMMANDS,
        ),
    ),
)
_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


def aliases(name: str) -> list[str]:
    """The command and its words in every language (``/taal``), from the catalogs; handled
    but not advertised. Words Telegram would not take as a command are left out."""
    return [w for w in shared().command_words(name) if _NAME.match(w)]


def validate(commands: Sequence[BotCommand]) -> None:
    """Raise ValueError if Telegram would refuse this command list."""
    for c in commands:
        if not _NAME.match(c.command) or not 1 <= len(c.description) <= 256:
            raise ValueError(f"invalid bot command {c.command!r}: {c.description!r}")
    if len(commands) > 100:
        raise ValueError("more than 100 commands")


def commands_for(names: Sequence[str], lang: str) -> list[BotCommand]:
    """The localized command list; raises ValueError if Telegram would refuse it."""
    out = [BotCommand(name, text(lang, f"cmd.{name}")) for name in names]
    validate(out)
    return out


async def sync_commands(bot: Bot, default_lang: str = "en") -> int:
    """Register the command lists for every scope and language that changed.

    The language-less list (``language_code=""``, Telegram's fallback) uses ``default_lang``.

    Returns:
        How many lists were (re)registered.
    """
    changed = 0
    for scope, names in SCOPES:
        for code in ("", *shared().languages):
            wanted = commands_for(names, code or default_lang)
            current = await bot.get_my_commands(scope=scope, language_code=code or None)
            if [(c.command, c.description) for c in current] == [
                (c.command, c.description) for c in wanted
            ]:
                continue
            await bot.set_my_commands(wanted, scope=scope, language_code=code or None)
            changed += 1
            log.info("commands registered", extra={"scope": scope.type, "lang": code or "-"})
    return changed
