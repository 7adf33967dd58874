"""Interface text of the moderators' features.

The texts live in the gettext catalogs under ``mod.<key>``, like every other text, so a new
language needs no code here.
"""

from __future__ import annotations

from bot.core.catalogs import shared


def text(lang: str, key: str, **params: object) -> str:
    """Return the text ``key`` in ``lang`` (English if missing), with ``params`` filled in.

    Args:
        lang: Language code.
        key: Message key, e.g. ``"stats.title"``.
        **params: Values for the ``{placeholders}``.
    """
    return shared().gettext(lang, f"mod.{key}", **params)
