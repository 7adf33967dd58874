"""Escaping of text for each output format, applied to every value a template prints."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_MD_SPECIAL = re.compile(r"([\\*_~`|>\[\]()<#:])")
_MD_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(\s)", re.MULTILINE)
_MENTION = re.compile(r"@(everyone|here|[!&]?\d+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


_AT = re.compile(r"@(?=\w)")


def unmention(text: str) -> str:
    """Member text quoted to a group: ``@name`` keeps its look but mentions (and pings) no
    one (a word joiner after the ``@``; Telegram and Discord both stop reading a handle there).
    """
    return _AT.sub("@\u2060", text)


def plain(text: object) -> str:
    """Plain text: only control characters are removed."""
    return _CONTROL.sub("", str(text))


def discord_markdown(text: object) -> str:
    """Discord Markdown: markup characters and list markers backslash-escaped, mentions broken.

    Bot messages also send ``allowed_mentions=none``; breaking ``@everyone`` here keeps a pasted
    message harmless even where that is forgotten.
    """
    s = _MD_SPECIAL.sub(r"\\\1", plain(text))
    s = _MD_LINE_START.sub(r"\1\\\2\3", s)
    return _MENTION.sub("@\u200b\\1", s)


def telegram_html(text: object) -> str:
    """Telegram HTML (:func:`html.escape`): ``&``, ``<``, ``>`` and ``"`` as named entities;
    apostrophes stay as typed (they need no escaping outside attributes)."""
    if isinstance(text, Markup):
        return str(text)
    return html.escape(plain(text), quote=False).replace('"', "&quot;")


ESCAPERS = {"discord": discord_markdown, "telegram": telegram_html, "text": plain}
