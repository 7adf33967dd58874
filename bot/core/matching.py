"""Which situation a typed word or title means: one matcher for every command and option.

Moderators type an id or its start (``/note seller ...``), members pick from an autocomplete
list that matches titles in their own language, with typos (``cancle``) and words that are in
no title (``ontevreden``, helped by the router). Fuzzy scores come from rapidfuzz, a maintained
library (C++ speed, the usual Levenshtein-based ratios), not from code of our own.
"""

from __future__ import annotations

import functools
import unicodedata

from rapidfuzz import fuzz

from bot.core import situations
from bot.core.engine import Core

#: Titles offered at most (Discord's autocomplete takes 25).
LIMIT = 25
#: Lowest score (0–100) of a title that is offered for what was typed.
MIN_SCORE = 60.0
#: A router probability at least this high adds its share to a title's score.
ROUTED = 0.5


def fold(value: str) -> str:
    """Case and accents folded, for comparing what was typed with titles."""
    value = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in value if not unicodedata.combining(ch))


def by_id(word: str) -> str | None:
    """A situation id from a word: the id itself, or a start that fits only one situation."""
    word = word.strip().lower()
    if situations.get(word):
        return word
    starts = [s.id for s in situations.SITUATIONS if s.id.startswith(word)] if word else []
    return starts[0] if len(starts) == 1 else None


@functools.lru_cache(maxsize=4096)  # members type the same prefixes (measured: bench_discord)
def rank(core: Core, lang: str, query: str, limit: int = LIMIT) -> tuple[tuple[str, str], ...]:
    """Situations as ``(id, title in lang)``, the best match for ``query`` first; every one
    when nothing was typed.

    A title scores by rapidfuzz's partial and token-set ratios (a part of the title, words in
    another order, a typo), an id by its start; the router's probabilities add for words that
    are in no title.
    """
    typed = fold(query).strip()[:100]
    boost: dict[str, float] = {}
    if typed:
        boost.update((sid, p) for sid, p in core.route(typed).scores if p >= ROUTED)
    scored = []
    for order, s in enumerate(situations.SITUATIONS):
        title = core.t(lang, f"{s.id}.title")
        if not typed or s.id.startswith(typed):
            score = 100.0
        else:
            folded = fold(title)
            score = max(fuzz.partial_ratio(typed, folded), fuzz.token_set_ratio(typed, folded))
        score += 100 * boost.get(s.id, 0.0)
        if score >= MIN_SCORE:
            scored.append((-score, order, s.id, title))
    scored.sort()
    return tuple((sid, title) for _, _, sid, title in scored[:limit])


def resolve(core: Core, lang: str, value: str | None) -> str | None:
    """A situation id from what was typed or picked: an id (or its unique start), else the
    best title match in ``lang``; None when nothing fits."""
    if not value or not value.strip():
        return None
    sid = by_id(value)
    if sid is not None:
        return sid
    found = rank(core, lang, value, 1)
    return found[0][0] if found else None
