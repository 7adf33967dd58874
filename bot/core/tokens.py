"""One registry of every button-token family, each a template with named fields.

A button carries its own state in its token (Telegram's callback_data, Discord's custom_id),
so any process answers it after a restart. Each family is declared once here, as discord.py's
``DynamicItem`` templates are: a form such as ``sb1:{lang}:r:{hours}.{at}`` whose fields each
have a pattern. :func:`build` fills one in (and refuses what would not parse back or fit),
:func:`parse` reads any token into its family and named fields, or None when it is
malformed, too long, forged or of no family.

The wire forms are those buttons already sent carry (``sb1:`` shared, ``tg1:`` Telegram only,
``sbd1:`` Discord only), so no button on a member's screen goes stale with this registry.
The modules that give the fields meaning (:mod:`bot.core.actions`,
:mod:`bot.moderation.tokens`, the adapters' keyboards and views) build and parse through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Telegram's callback_data limit, in bytes.
MAX_BYTES = 64
#: Discord's custom_id limit, in characters (for the Discord-only families).
DISCORD_CHARS = 100
LANG = r"[a-z]{2,3}"
SITUATION = r"[a-z0-9\-]{1,40}"
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Family:
    """One kind of token: its ``form`` with ``{field}`` places, and each field's pattern.

    Attributes:
        name: The family's name (``walk``, ``remind``, ``share``…).
        form: The token with its fields as ``{name}``.
        template: The compiled form, each field a named group.
        limit: Longest token, in UTF-8 bytes.
    """

    name: str
    form: str
    template: re.Pattern[str]
    limit: int = MAX_BYTES

    def build(self, **fields: object) -> str:
        """The token with ``fields`` filled in.

        Raises:
            ValueError: A field does not match its pattern, or the token is over 64 bytes.
        """
        token = self.form.format(**fields)
        if parse(token, self.name) is None:
            raise ValueError(f"not a valid {self.name} token: {token!r}")
        return token


@dataclass(frozen=True)
class Token:
    """A parsed token: its family's name and its fields, as text."""

    family: str
    fields: Mapping[str, str]

    def __getitem__(self, field: str) -> str:
        return self.fields[field]


FAMILIES: dict[str, Family] = {}


def register(name: str, form: str, limit: int = MAX_BYTES, **patterns: str) -> Family:
    """Declare a family; every ``{field}`` of ``form`` needs a pattern.

    Raises:
        ValueError: For a name already taken or a field without a pattern.
    """
    if name in FAMILIES:
        raise ValueError(f"token family {name!r} registered twice")
    missing = set(_FIELD.findall(form)) - set(patterns)
    if missing:
        raise ValueError(f"{name}: no pattern for {sorted(missing)}")
    parts = re.split(r"(\{\w+\})", form)
    regex = "".join(f"(?P<{p[1:-1]}>{patterns[p[1:-1]]})" if _FIELD.fullmatch(p)
                    else re.escape(p) for p in parts)  # fmt: skip
    family = FAMILIES[name] = Family(name, form, re.compile(regex), limit)
    return family


def parse(token: str | None, *names: str) -> Token | None:
    """The token's family and fields (only among ``names`` when given), or None."""
    if not token:
        return None
    size = len(token.encode("utf-8"))
    for family in (FAMILIES[n] for n in names) if names else FAMILIES.values():
        m = family.template.fullmatch(token) if size <= family.limit else None
        if m is not None:
            return Token(family.name, m.groupdict())
    return None


# -- the families ---------------------------------------------------------------------------
# Shared by every platform: the core's answers and steps (bot.core.actions) ...
WALK = register("walk", "sb1:{lang}:w:{path}", lang=LANG, path=r"[a-z0-9.\-]{0,48}")
SHOW = register("situation", "sb1:{lang}:s:{situation}", lang=LANG, situation=r"[a-z0-9.\-]{0,48}")
FEEDBACK = register("feedback", "sb1:{lang}:f:{vote}", lang=LANG, vote=r"[a-z0-9.\-]{0,48}")
HELP = register("help", "sb1:{lang}:h:{rest}", lang=LANG, rest=r"[a-z0-9.\-]{0,48}")
#: A member's pick of an answer that a kept question offered ("not sure" choices: ``u``; after
#: "not helpful": ``n``), with the question's random reference: it becomes a suggested example.
CHOSEN = register(
    "chosen", "sb1:{lang}:c:{pick}", lang=LANG, pick=r"[a-z0-9\-]{1,40}\.[un]\.[0-9a-f]{12}"
)
# ... and reminders and moderators' actions (bot.moderation.tokens).
REMIND = register(
    "remind", "sb1:{lang}:r:{hours}.{at}", lang=LANG, hours=r"\d{1,3}", at=r"\d{1,12}"
)
CANCEL = register("cancel", "sb1:{lang}:x:{reminder}", lang=LANG, reminder=r"\d{1,12}")
MODERATOR = register(
    "moderator",
    "sb1:{lang}:m:{op}{arg}",
    lang=LANG,
    op="note-rm|pin-rm|pins-refresh|stats|log",
    arg=r"(?:\.[a-z0-9.\-]{0,40})?",
)
# Telegram only (bot.adapters.telegram.keyboards).
MY_LANGUAGE = register("my-language", "tg1:lang:{code}", code=r"[a-z0-9\-]{1,40}")
PIN_PICK = register("pin-pick", "tg1:pin:{situation}:{lang}", situation=SITUATION, lang=LANG)
GROUP_LANGUAGE = register("group-language", "tg1:glang:{code}", code=r"[a-z0-9\-]{1,40}")
# Discord only (bot.adapters.discord.views); a share button wraps the token it shows.
SHARE = register("share", "sbd1:share:{token}", DISCORD_CHARS, token=r"sb1:.{1,80}")
MENU = register("menu", "sbd1:menu", DISCORD_CHARS)
PIN_MENU = register("pin-menu", "sbd1:pin:{lang}", DISCORD_CHARS, lang=f"(?:{LANG})?")
NOTE_EDIT = register("note-edit", "sbd1:note-edit:{situation}", DISCORD_CHARS, situation=r".{0,80}")
NOTE_FORM = register("note-form", "sbd1:note:{situation}", DISCORD_CHARS, situation=r".{0,80}")
