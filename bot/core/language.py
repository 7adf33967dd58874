"""Which language to answer in, and why.

Order (first that applies wins): an explicit choice (command option or saved preference),
the language the question is written in, the language of the member's previous question in a
private conversation (a short follow-up says too little), the language the community's
moderators chose, the platform's locale hint, the community's default (configured), English.
A moderator's choice ranks above the platform locale because on Discord every interaction
carries a locale, so a server's choice would otherwise never apply. Locale strings are parsed
and matched with Babel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple, cast

from babel import Locale, UnknownLocaleError, negotiate_locale

from bot.core.lexicon import BREAK, Lexicon, split_words

log = logging.getLogger(__name__)

FALLBACK = "en"
QUESTION = "question language"  # the reason given when the question's own language decided
#: A question needs at least this much marker weight, and a lead over the runner-up,
#: before we trust its language over the member's locale.
MIN_EVIDENCE = 1.5
MIN_LEAD = 1.0
# Old or alternative codes a platform may send (Java's "in" for Indonesian, "in-ID").
_ALIASES = {"in": "id", "nl-be": "nl", "nb": "no"}


class LanguageContext(NamedTuple):
    """What we know about a member's language besides their question."""

    explicit: str | None = None  # command option, this message only
    saved: str | None = None  # the member's stored preference
    community_choice: str | None = None  # set by the community's moderators
    platform_locale: str | None = None  # e.g. Telegram language_code, Discord interaction.locale
    community_default: str | None = None  # the configured default for communities
    previous: str | None = None  # the language of the member's last question in this chat


class LanguageChoice(NamedTuple):
    lang: str
    reason: str


def match_locale(tag: str | None, available: Sequence[str]) -> str | None:
    """The available language for a locale tag (``en-GB``, ``nl_BE``, ``id``), via Babel."""
    if not tag:
        return None
    norm = tag.strip().replace("_", "-").lower()
    norm = _ALIASES.get(norm, _ALIASES.get(norm.split("-")[0], norm))
    found = negotiate_locale([norm], list(available), sep="-")
    if found:
        return found
    try:
        lang = Locale.parse(norm, sep="-").language
    except (ValueError, UnknownLocaleError):
        return None
    return lang if lang in available else None


def detect(
    lex: Lexicon, text: str | list[str] | list[list[str]], available: Sequence[str]
) -> tuple[str | None, dict[str, float]]:
    """The language a question is written in, or None when the words don't tell.

    ``text`` may be the question, its :meth:`Lexicon.scan` or its :meth:`Lexicon.sentences`.
    (The core uses :meth:`Lexicon.read` and :func:`decide`, which need no second pass.)
    """
    if isinstance(text, str):
        words = split_words(text)
    elif text and isinstance(text[0], list):
        words = [w for s in text for w in s]
    else:
        words = [w for w in cast(list[str], text) if w != BREAK]
    marks = dict.fromkeys(lex.markers, 0.0)
    index = lex.marker_index
    for w in words:
        for lang, weight in index.get(w, ()):
            marks[lang] += weight
    return decide(marks, available, len(words))


def decide(
    marks: dict[str, float], available: Sequence[str], count: int
) -> tuple[str | None, dict[str, float]]:
    """The language that ``marks`` (marker weight per language, over ``count`` words) points
    to among ``available``, or None; and the weights considered."""
    totals = {lang: marks[lang] for lang in available if lang in marks}
    if not totals:
        return None, totals
    ranked = sorted(totals.items(), key=_weight, reverse=True)
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if top >= MIN_EVIDENCE and top - second >= MIN_LEAD:
        return best, totals
    if top >= MIN_EVIDENCE and top > second and count <= 4:
        return best, totals
    return None, totals


_weight = itemgetter(1)


def choose(
    ctx: LanguageContext,
    available: Sequence[str],
    detected: str | None = None,
) -> LanguageChoice:
    """Apply the language order; the reason is logged at debug level."""
    for value, reason in (
        (ctx.explicit, "explicit choice"),
        (ctx.saved, "saved preference"),
    ):
        lang = match_locale(value, available)
        if lang:
            return _log(LanguageChoice(lang, reason))
    if detected is not None and detected in available:
        return _log(LanguageChoice(detected, QUESTION))
    if ctx.previous in available:
        # a short follow-up ("terus gimana?", "ok and now") keeps the conversation's language
        return _log(LanguageChoice(cast(str, ctx.previous), "previous question"))
    for value, reason in (
        (ctx.community_choice, "community choice"),
        (ctx.platform_locale, "platform locale"),
        (ctx.community_default, "community default"),
    ):
        lang = match_locale(value, available)
        if lang:
            return _log(LanguageChoice(lang, f"{reason} {value}"))
    return _log(LanguageChoice(FALLBACK if FALLBACK in available else available[0], "fallback"))


def _log(choice: LanguageChoice) -> LanguageChoice:
    if log.isEnabledFor(logging.DEBUG):
        log.debug("language chosen", extra={"lang": choice.lang, "reason": choice.reason})
    return choice
