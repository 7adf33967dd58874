"""Routing lexicons: per-language data files turned into one fast lookup structure.

Each language ships ``locales/<lang>/routing.toml`` (markers that identify the language, a
normalisation table for chat spelling, affixes, and words per concept). Sellers mix languages
in one message, so the concept tables of all languages are merged; the markers stay per
language for language detection.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast

_SPLIT = re.compile(r"[^\w]+", re.UNICODE)
_REPEAT = re.compile(r"(\w)\1{2,}")
_APOSTROPHES = re.compile(r"['’`´]")
_MONEY = re.compile(r"[$€£¥₹]+")

MIN_FUZZY = 5
WORDS_CACHED = 100_000  # distinct words whose reading is kept (least recently seen go first)
BREAK = "\x00"  # sentence boundary token: who-cancels attribution does not look across it
# A sentence ends at . ! ? ; followed by a space or the end (not "3.5", "e.g"), or a newline.
_SCAN = re.compile(r"[.!?;\n]+(?:\s|$)|\n|\w+")
_ENDS = frozenset(".!?;\n")
_SPECIAL = frozenset((BREAK, "_"))  # what read() does not keep as a word


class LexiconError(Exception):
    """A routing lexicon file is missing or malformed."""


def fold(text: str) -> str:
    """Lowercase, strip accents and apostrophes, and shorten letters typed three times or more."""
    return _REPEAT.sub(r"\1\1", _fold_chars(text))


def _fold_chars(text: str) -> str:
    """:func:`fold` without shortening repeated letters (done per word, in :meth:`Lexicon.read`)."""
    text = text.lower()
    if "$" in text or not text.isascii():
        text = _MONEY.sub(" money ", text)  # "wants his $$ back"
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        marks = [ch for ch in set(text).difference(_ASCII) if unicodedata.combining(ch)]
        if marks:  # accents, split off by NFKD; emoji and the like stay
            text = text.translate(dict.fromkeys(map(ord, marks)))
    if "'" in text or "`" in text or not text.isascii():
        text = _APOSTROPHES.sub("", text)
    return text


_ASCII = frozenset(map(chr, range(128)))


def split_words(text: str) -> list[str]:
    return [t for t in _SPLIT.split(fold(text)) if t and t != "_"]


class Reading(NamedTuple):
    """A message as read: words (sentences end with ``BREAK``), marker weight per language."""

    words: list[str]
    marks: dict[str, float]
    n_words: int  # not counting BREAKs
    # per word, its tokens and their meanings when those are the same in every language
    # (nearly all words), else None: see Lexicon.analyse_reading
    parts: Sequence[Analysis | None] = ()


class TokenInfo(NamedTuple):
    """What one canonical token means to the routing."""

    concepts: frozenset[str]
    slots: tuple[tuple[int, int], ...]  # (pair, side) slots it fills
    stems: tuple[tuple[str, frozenset[str]], ...]  # two-word phrases ending in a stem
    nexts: dict[str, list[tuple[tuple[str, ...], bool, frozenset[str]]]] | None  # phrases


#: A word's canonical tokens, and what each means to the routing.
Analysis = tuple[tuple[str, ...], tuple["TokenInfo | None", ...]]
_BREAK_PART: Analysis = ((BREAK,), (None,))


@dataclass
class Lexicon:
    """All languages' routing data, merged for lookup.

    Built once by :func:`load` and shared; not for copying or pickling (its word caches are
    bound to the instance), nor for changing after it is built (they would go stale).
    """

    markers: dict[str, dict[str, float]] = field(default_factory=dict)
    marker_index: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    normalize: dict[str, tuple[str, ...]] = field(default_factory=dict)
    normalize_by_lang: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    stems: dict[str, frozenset[str]] = field(default_factory=dict)
    # two-word phrases whose second word is a stem: first word -> [(stem, concepts)]
    phrase_stems: dict[str, list[tuple[str, frozenset[str]]]] = field(default_factory=dict)
    # Two words near each other in either order ("bestelt later opnieuw", "order ulang"):
    # (concept, word a, word b); "*" at the end of a word makes it a stem.
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    vocabulary: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)  # everyday words never "corrected" by fuzzing
    # a word with one letter deleted -> every vocabulary word it comes from
    deletes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    max_stem: int = 0
    # first word of a phrase -> second word -> [(remaining words, last is a stem, concepts)]
    phrase_next: dict[str, dict[str, list[tuple[tuple[str, ...], bool, frozenset[str]]]]] = field(
        default_factory=dict
    )
    # The two caches the 2 ms answer budget needs (bench/bench_core.py), filled as words are
    # first seen (functools' C cache: a lookup per word of every question): word as typed ->
    # (word with long repeats shortened, its language markers, its analysis when the same in
    # every language); and (word, language) -> its analysis (for the few words whose meaning
    # depends on the language). Made per lexicon in __post_init__.
    _seen: Callable[[str], tuple[str, tuple[tuple[str, float], ...], Analysis | None]] = field(
        init=False, repr=False, compare=False
    )
    _analysis: Callable[[str, str | None], Analysis] = field(init=False, repr=False, compare=False)
    quote_openers: tuple[str, ...] = ()  # "said", "bilang", "schreef": buyer <verb>: "..."
    self_words: frozenset[str] = frozenset()
    # a whole question that only asks for help ("help", "tolong", "hulp") -> its language
    help_requests: dict[tuple[str, ...], str] = field(default_factory=dict)
    _quote: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False)

    def __post_init__(self) -> None:
        self._seen = functools.lru_cache(WORDS_CACHED)(self._see)
        self._analysis = functools.lru_cache(WORDS_CACHED)(self._analyse_word)

    def read(self, text: str) -> Reading:
        """The folded words of a message as typed (before normalisation), each sentence
        followed by ``BREAK``, and the language markers among them; one regex pass and one
        cached lookup per word, as this runs for every question.

        A buyer's message pasted after "buyer said:" speaks for the buyer, so its first-person
        words are turned into "buyer" (their "I don't need it" is not the member's).
        """
        folded = _fold_chars(text)
        if ":" in folded and self.quote_openers:
            folded = self._quote.sub(_buyer_voice(self.self_words), _REPEAT.sub(r"\1\1", folded))
        words: list[str] = []
        append = words.append
        parts: list[Analysis | None] = []
        add_part = parts.append
        marks = dict.fromkeys(self.markers, 0.0)
        seen = self._seen
        breaks = 0
        for t in _SCAN.findall(folded):
            word, hits, part = seen(t)
            if word in _SPECIAL:  # a sentence end, or a lone "_" (\w counts it as a letter)
                if word is BREAK and words and words[-1] is not BREAK:
                    append(BREAK)  # no BREAK before the first word, nor two in a row
                    add_part(_BREAK_PART)
                    breaks += 1
                continue
            append(word)
            add_part(part)
            if hits:
                for lang, weight in hits:
                    marks[lang] += weight
        if words and words[-1] is not BREAK:
            append(BREAK)
            add_part(_BREAK_PART)
            breaks += 1
        return Reading(words, marks, len(words) - breaks, parts)

    def _see(self, typed: str) -> tuple[str, tuple[tuple[str, float], ...], Analysis | None]:
        """A word as typed, read (cached as ``_seen``)."""
        if typed[0] in _ENDS:
            return BREAK, (), _BREAK_PART
        # "sooo", "plisss": repeats never span words, so each word is shortened alone.
        word = _REPEAT.sub(r"\1\1", typed)
        return word, self.marker_index.get(word, ()), self._shared_analysis(word)

    def _shared_analysis(self, word: str) -> Analysis | None:
        """The word's analysis when every language (and none) gives the same, else None."""
        first = self._analysis(word, None)
        for lang in {*self.markers, *self.normalize_by_lang}:
            if self._analysis(word, lang) != first:
                return None  # Dutch "ga" (go) is not Indonesian "ga" (not)
        return first

    def analyse_reading(
        self, reading: Reading, lang: str | None = None
    ) -> tuple[list[str], list[TokenInfo | None]]:
        """:meth:`analyse` of what :meth:`read` read, mostly from what it already looked up."""
        parts = reading.parts
        if len(parts) != len(reading.words) or None in parts:
            return self.analyse(reading.words, lang)
        tokens: list[str] = []
        infos: list[TokenInfo | None] = []
        for word_tokens, word_infos in cast(Sequence[Analysis], parts):
            tokens += word_tokens
            infos += word_infos
        return tokens, infos

    def help_language(self, words: list[str]) -> str | None:
        """The language of a question that only asks for help ("tolong", "hulp"), else None.

        ``words`` is :attr:`Reading.words`.
        """
        if len(words) > 6:
            return None
        return self.help_requests.get(tuple(w for w in words if w is not BREAK))

    def scan(self, text: str) -> list[str]:
        """The folded words of a message, each sentence followed by ``BREAK`` (see :meth:`read`)."""
        return self.read(text).words

    def sentences(self, text: str) -> list[list[str]]:
        """The folded words of each sentence, as typed (see :meth:`read`)."""
        out: list[list[str]] = []
        words: list[str] = []
        for t in self.scan(text):
            if t is BREAK:
                out.append(words)
                words = []
            else:
                words.append(t)
        return out

    def tokens(self, text: str | list[str] | list[list[str]], lang: str | None = None) -> list[str]:
        """Split and normalise a message into canonical tokens; sentences end with ``BREAK``.

        ``text`` is the message, its :meth:`scan` or its :meth:`sentences`. Chat spellings
        are normalised with every language's table (messages mix languages), except that a
        word of the message's own language keeps its meaning there: Dutch "ga" (go) is not
        Indonesian "ga" (not).
        """
        return self.analyse(text, lang)[0]

    def analyse(
        self, text: str | list[str] | list[list[str]], lang: str | None = None
    ) -> tuple[list[str], list[TokenInfo | None]]:
        """:meth:`tokens`, and beside each token what it means to the routing (see :meth:`info`)."""
        if isinstance(text, str):
            words = self.scan(text)
        elif text and isinstance(text[0], list):
            words = [w for sentence in text for w in (*sentence, BREAK)]
        else:
            words = cast(list[str], text)
        analysis = self._analysis
        tokens: list[str] = []
        infos: list[TokenInfo | None] = []
        for raw in words:
            hit = analysis(raw, lang)
            tokens += hit[0]
            infos += hit[1]
        return tokens, infos

    def _analyse_word(self, raw: str, lang: str | None) -> Analysis:
        """A word's tokens and their meanings in ``lang`` (cached as ``_analysis``)."""
        if raw == BREAK:
            return _BREAK_PART
        canonical = self._normalised(raw, lang)
        return canonical, tuple(self.info(t) for t in canonical)

    def _normalised(self, raw: str, lang: str | None) -> tuple[str, ...]:
        mapped = self.normalize_by_lang.get(lang or "", {}).get(raw)
        if mapped is None and raw not in self.markers.get(lang or "", {}):
            mapped = self.normalize.get(raw)
        if mapped is None:
            return (self.canonical(raw),)
        return tuple(self.canonical(t) for t in mapped)

    def info(self, token: str) -> TokenInfo | None:
        """What a canonical token means to the routing, or None when nothing (most words):
        its concepts, the word-pair slots it fills, and the phrases it may start."""
        concepts, slots = self.lookup(token)
        stems = tuple(self.phrase_stems.get(token, ()))
        nexts = self.phrase_next.get(token)
        return (
            TokenInfo(concepts, slots, stems, nexts)
            if (concepts or slots or stems or nexts)
            else None
        )

    def canonical(self, token: str) -> str:
        """The token as the lexicon knows it (affixes stripped, typos corrected)."""
        return _resolve(self, token)

    def stem_concepts(self, token: str) -> frozenset[str] | None:
        for n in range(min(len(token), self.max_stem), 2, -1):
            hit = self.stems.get(token[:n])
            if hit is not None:
                return hit
        return None

    def lookup(self, token: str) -> tuple[frozenset[str], tuple[tuple[int, int], ...]]:
        """A token's concepts (as a word or a stem) and the (pair, side) slots it fills."""
        concepts = (self.words.get(token) or frozenset()) | (
            self.stem_concepts(token) or frozenset()
        )
        exact, starts = self._pair_slots
        found = [*exact.get(token, ()), *(s for start, s in starts if token.startswith(start))]
        return concepts, tuple(sorted(found))

    @functools.cached_property
    def _pair_slots(
        self,
    ) -> tuple[dict[str, list[tuple[int, int]]], tuple[tuple[str, tuple[int, int]], ...]]:
        """The pairs' words as an index, built once: a word -> its (pair, side) slots, and the
        stems (``word*``) with theirs. Every new word is looked up, and a scan of every pair's
        words for each was a third of a new question's routing."""
        exact: dict[str, list[tuple[int, int]]] = {}
        starts: list[tuple[str, tuple[int, int]]] = []
        for k, (_, a, b) in enumerate(self.pairs):
            for side, w in enumerate((a, b)):
                if w.endswith("*"):
                    starts.append((w[:-1], (k, side)))
                else:
                    exact.setdefault(w, []).append((k, side))
        return exact, tuple(starts)

    def known(self, token: str) -> bool:
        return token in self.vocabulary or self.stem_concepts(token) is not None


def _resolve(lex: Lexicon, token: str) -> str:
    if lex.known(token) or token.isdigit() or len(token) < 3:
        return token
    # Affixes (di-cancel, cancelnya, buyerku, geweigerd): strip when what remains is known.
    for cand in _affix_variants(lex, token):
        if lex.known(cand):
            return cand
    if len(token) >= MIN_FUZZY and token not in lex.plain:
        for cand in _fuzzy(lex, token):
            return cand
    return token


def _affix_variants(lex: Lexicon, token: str) -> Iterable[str]:
    for suf in lex.suffixes:
        if token.endswith(suf) and len(token) - len(suf) >= 3:
            yield token[: -len(suf)]
    for pre in lex.prefixes:
        if token.startswith(pre) and len(token) - len(pre) >= 3:
            core = token[len(pre) :]
            yield core
            for suf in lex.suffixes:
                if core.endswith(suf) and len(core) - len(suf) >= 3:
                    yield core[: -len(suf)]


def _buyer_voice(self_words: frozenset[str]) -> Callable[[re.Match[str]], str]:
    def swap(m: re.Match[str]) -> str:
        quoted = " ".join("buyer" if w in self_words else w for w in m.group(1).split(" "))
        return m.group(0)[: m.start(1) - m.start(0)] + "buyer asks " + quoted

    return swap


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _fuzzy(lex: Lexicon, token: str) -> list[str]:
    """Vocabulary words one edit away (insert, delete, substitute, swap), best first."""
    found: set[str] = set()
    if token in lex.deletes:  # the member typed a letter too many... or the word lost one
        found.update(lex.deletes[token])
    for d in _deletes(token):
        if d in lex.vocabulary and len(d) >= MIN_FUZZY:
            found.add(d)
        if d in lex.deletes:
            found.update(lex.deletes[d])
    return sorted(found, key=lambda w: (w[0] != token[0], abs(len(w) - len(token)), w))


def load(directory: Path, languages: Iterable[str]) -> Lexicon:
    """Read ``<directory>/<lang>/routing.toml`` for each language and merge them."""
    lex = Lexicon()
    prefixes: list[str] = []
    suffixes: list[str] = []
    quote_openers: list[str] = []
    self_words: list[str] = []
    entries: list[tuple[str, str]] = []
    for lang in languages:
        path = directory / lang / "routing.toml"
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise LexiconError(f"{path}: missing (every language needs a routing lexicon)") from exc
        except tomllib.TOMLDecodeError as exc:
            raise LexiconError(f"{path}: {exc}") from exc
        lex.markers[lang] = {fold(k): float(v) for k, v in data.get("markers", {}).items()}
        lex.plain.update(lex.markers[lang])
        lex.plain.update(split_words(" ".join(data.get("plain", []))))
        everyday = directory / lang / "words.txt"  # optional: words never typo-corrected
        if everyday.exists():
            lex.plain.update(
                w for w in everyday.read_text(encoding="utf-8").split("\n") if w and w[0] != "#"
            )
        own = lex.normalize_by_lang.setdefault(lang, {})
        for k, v in data.get("normalize", {}).items():
            lex.normalize[fold(k)] = own[fold(k)] = tuple(split_words(v))
        prefixes += data.get("prefixes", [])
        quote_openers += [fold(w) for w in data.get("quote_openers", [])]
        self_words += [fold(w) for w in data.get("concepts", {}).get("self", []) if " " not in w]
        suffixes += data.get("suffixes", [])
        for request in data.get("help_requests", []):
            lex.help_requests.setdefault(tuple(split_words(request)), lang)
        for concept, pairs in data.get("pairs", {}).items():
            for pair in pairs:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise LexiconError(f"{path}: pairs.{concept} needs [word, word] entries")
                a, b = (fold(w).strip() for w in pair)
                lex.pairs.append((concept, a, b))
                lex.vocabulary.update(w.rstrip("*") for w in (a, b))
        for concept, listed in data.get("concepts", {}).items():
            if not isinstance(listed, list):
                raise LexiconError(f"{path}: concept {concept!r} must be a list of words")
            entries += [(concept, w) for w in listed]
    index: dict[str, list[tuple[str, float]]] = {}
    for lang, marks in lex.markers.items():
        for word, weight in marks.items():
            index.setdefault(word, []).append((lang, weight))
    lex.marker_index = {w: tuple(v) for w, v in index.items()}
    lex.quote_openers = tuple(sorted(set(quote_openers)))
    lex.self_words = frozenset(self_words)
    if lex.quote_openers:
        verbs = "|".join(re.escape(v) for v in lex.quote_openers)
        lex._quote = re.compile(rf"\b(?:{verbs})\s*:\s*([^.!?\n]*(?:[.!?](?=\S)[^.!?\n]*)*)")
    # Longest affixes first, so "meng" is tried before "me".
    lex.prefixes = tuple(sorted(set(prefixes), key=len, reverse=True))
    lex.suffixes = tuple(sorted(set(suffixes), key=len, reverse=True))

    words: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    phrases: dict[tuple[str, tuple[str, ...], bool], set[str]] = {}
    for concept, entry in entries:
        star = entry.strip().endswith("*")
        parts: list[str] = []
        for w in split_words(entry):
            parts.extend(lex.normalize.get(w, (w,)))
        if not parts:
            continue
        lex.vocabulary.update(p for p in parts)
        if len(parts) == 1:
            (stems if star else words).setdefault(parts[0], set()).add(concept)
        else:
            phrases.setdefault((parts[0], tuple(parts[1:]), star), set()).add(concept)
    lex.words = {k: frozenset(v) for k, v in words.items()}
    lex.stems = {k: frozenset(v) for k, v in stems.items()}
    lex.max_stem = max((len(s) for s in lex.stems), default=0)
    for (first, rest, star), concepts in phrases.items():
        if len(rest) == 1 and star:
            lex.phrase_stems.setdefault(first, []).append((rest[0], frozenset(concepts)))
        else:
            lex.phrase_next.setdefault(first, {}).setdefault(rest[0], []).append(
                (rest[1:], star, frozenset(concepts))
            )
    for nexts in lex.phrase_next.values():
        for bucket in nexts.values():
            bucket.sort(key=lambda p: len(p[0]), reverse=True)  # longest phrase first
    # Every source word is kept (not the first one seen), so which correction wins is decided
    # by _fuzzy's ranking, the same in every process, not by set order.
    deletes: dict[str, list[str]] = {}
    for word in lex.vocabulary:
        if len(word) >= MIN_FUZZY:
            for d in _deletes(word):
                deletes.setdefault(d, []).append(word)
    lex.deletes = {d: tuple(sorted(words)) for d, words in deletes.items()}
    return lex
