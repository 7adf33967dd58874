"""Interface text only the Telegram adapter needs (command descriptions, pin notices).

The texts live in the gettext catalogs under ``telegram.<key>``, like every other text, so a
new language needs no code here.
"""

from __future__ import annotations

from bot.core.catalogs import shared


def text(lang: str, key: str, **params: object) -> str:
    """The adapter text ``key`` in ``lang`` (English if missing), formatted with ``params``."""
    return shared().gettext(lang, f"telegram.{key}", **params)
