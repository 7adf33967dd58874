"""Interface text only Discord needs: command names and descriptions, share and pin messages.

Every text lives in the gettext catalogs under ``discord.<key>``, so a new language needs no
code here. Command and option names must match Discord's naming rules in every language
(lowercase, no spaces, at most 32 characters); the tests check the whole synced payload.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.core.catalogs import Catalogs, shared
from bot.core.engine import Core
from bot.core.language import match_locale


def text(core: Core, lang: str, key: str) -> str:
    """The text for ``key`` in ``lang`` from the catalogs (English when missing)."""
    return core.t(lang, key)


def lookup(core: Core, lang: str, key: str) -> str | None:
    """The text for ``key`` in exactly ``lang``, or None (no English fallback)."""
    return core.catalogs.raw.get(lang, {}).get(key) or None


def language_for(core: Core, locale: Locale | str) -> str | None:
    """The core language for a Discord locale (``en-GB`` → ``en``), or None if we have none."""
    return match_locale(str(locale), core.languages)


def L(key: str) -> app_commands.locale_str:
    """A translatable command string: English as the default, ``key`` for the translator."""
    return app_commands.locale_str(shared().gettext("en", key), key=key)


def language_choices(catalogs: Catalogs) -> list[app_commands.Choice[str]]:
    """The languages as command choices, each localised by the translator to its own name
    plus its name in the member's Discord language ("Nederlands (Dutch)" in English,
    "Nederlands" in Dutch), so a member who does not read that language still finds theirs."""
    return [
        app_commands.Choice(
            name=app_commands.locale_str(catalogs.language_label(code, "en"), language=code),
            value=code,
        )
        for code in catalogs.languages
    ]
