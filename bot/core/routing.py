"""The routing lexicon's reading of a question: concepts and who-cancels features.

Questions are turned into language-neutral *concepts* (cancel, buyer, mistake, delivered, ...)
with the merged lexicons, so Indonesian with English words mixed in reads as well as either
language alone; who cancels is decided by which agent (the member or the buyer) stands nearest
before the word "cancel". These are features of the trained router (:mod:`bot.core.classifier`),
which weighs them with the words themselves; :class:`Route` is what it decides.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from bot.core.lexicon import BREAK, Lexicon, TokenInfo

#: Concepts whose presence is itself a feature (a repeated one counts a little more).
COUNTED = frozenset(
    {
        "refund",
        "not_needed",
        "mistake",
        "reorder",
        "unhappy",
        "revision",
        "delivered",
        "redeliver",
        "scope",
        "cant_deliver",
        "unresponsive",
        "tips",
        "completion",
        "offtopic",
        "cancel_request",
        "offtopic_strong",
        "partial_pay",
    }
)
AGENT_WINDOW = 10
PAIR_WINDOW = 4
_second = itemgetter(1)
NEGATABLE = frozenset({"unhappy", "cant_deliver", "mistake", "refund", "revision"})


class Route(NamedTuple):
    """The outcome of routing one question (a tuple: made for every question, so cheap)."""

    situation: str | None
    confidence: float
    kind: str  # "situation", "unsure" or "offtopic"
    candidates: tuple[str, ...]
    scores: tuple[tuple[str, float], ...]  # every answer's score, highest first
    also: str | None = None  # a second answer nearly as likely ("Also about: ...")
    elsewhere: bool = False  # about another marketplace or a direct client


def concept_positions(
    lex: Lexicon, tokens: list[str], infos: list[TokenInfo | None] | None = None
) -> dict[str, list[int]]:
    """Where each concept occurs in the tokens (words, stems, phrases and word pairs), in the
    order found: each word's own concepts, then the phrases it starts, then the word pairs.

    ``infos`` is :meth:`Lexicon.analyse`'s per-token meaning, when the caller has it.
    """
    if infos is None:
        infos = [lex.info(t) for t in tokens]
    where: dict[str, list[int]] = {}
    get = where.get

    def add(i: int, concepts: frozenset[str]) -> None:
        for c in concepts:
            ps = get(c)
            if ps is None:
                where[c] = [i]
            elif i not in ps:  # a word can match as itself and as a phrase: count once
                ps.append(i)

    negated: set[int] = set()
    slots: dict[tuple[int, int], list[int]] = {}
    n = len(tokens)
    for i in compress(range(n), infos):  # skips, in C, the words that mean nothing here
        concepts, pair_slots, stems, nexts = infos[i]  # type: ignore[misc]
        if concepts:
            for c in concepts:  # a word's first concepts at i: nothing at i yet
                ps = get(c)
                if ps is None:
                    where[c] = [i]
                else:
                    ps.append(i)
            if "negator" in concepts:
                negated.update((i + 1, i + 2))
        if pair_slots:
            for slot in pair_slots:
                slots.setdefault(slot, []).append(i)
        if i + 1 >= n:
            continue
        if stems:
            nxt = tokens[i + 1]
            for stem, phrase_concepts in stems:
                if nxt.startswith(stem):
                    add(i, phrase_concepts)
        if not nexts:
            continue
        for rest, star, phrase_concepts in nexts.get(tokens[i + 1], ()):
            m = len(rest)
            if not m:
                add(i, phrase_concepts)
                continue
            if i + 1 + m >= n:
                continue
            if star:
                ok = tuple(tokens[i + 2 : i + 1 + m]) == rest[:-1] and tokens[i + 1 + m].startswith(
                    rest[-1]
                )
            else:
                ok = tuple(tokens[i + 2 : i + 2 + m]) == rest
            if ok:
                add(i, phrase_concepts)
    for (k, side), pa in slots.items():
        if side != 0:
            continue
        pb = slots.get((k, 1))
        if not pb:
            continue
        concept = lex.pairs[k][0]
        for i in pa:
            for j in pb:
                lo, hi = min(i, j), max(i, j)
                if i != j and hi - lo <= PAIR_WINDOW and BREAK not in tokens[lo:hi]:
                    add(lo, frozenset((concept,)))
    if negated:
        # "not even late", "niet slecht": a single negated word loses its concept (phrases
        # such as "not happy" carry their own negation and were matched above).
        for c in NEGATABLE.intersection(where):
            kept = [
                i
                for i in where[c]
                if not (
                    i in negated
                    and c in _concepts(infos[i])
                    and BREAK not in tokens[max(0, i - 2) : i]
                )
            ]
            if kept:
                where[c] = kept
            else:
                del where[c]
    return where


def _positions(items: list[str], item: str) -> list[int]:
    """Where ``item`` occurs in ``items`` (list.index scans in C; sentences are few)."""
    found: list[int] = []
    i = -1
    try:
        while True:
            i = items.index(item, i + 1)
            found.append(i)
    except ValueError:
        return found


def _concepts(info: TokenInfo | None) -> frozenset[str]:
    return info.concepts if info is not None else frozenset()


def features(
    lex: Lexicon,
    text: str | list[str] | list[list[str]],
    lang: str | None = None,
    analysed: tuple[list[str], list[TokenInfo | None]] | None = None,
    where: dict[str, list[int]] | None = None,
) -> dict[str, float]:
    """Situation features of a question: concept counts plus who-cancels attribution.

    ``analysed`` is the question's :meth:`Lexicon.analyse` in ``lang``, and ``where`` its
    :func:`concept_positions`, when the caller has them.
    """
    tokens, infos = analysed if analysed is not None else lex.analyse(text, lang)
    if where is None:
        where = concept_positions(lex, tokens, infos)
    f: dict[str, float] = defaultdict(float)
    for c, ps in where.items():
        if c in COUNTED:
            f[c] = 1.0 + 0.25 * min(len(ps) - 1, 2)
    cancels = sorted(set(where.get("cancel", ())))
    requests = sorted(set(where.get("cancel_request", ())))
    generic = sorted(set(where.get("cancel_generic", ())))
    if generic:
        f["cancel_generic"] = 1.0
    if "buyer" in where:
        f["buyer_mentioned"] = 1.0
    if not (cancels or requests or generic or "completion" in where):
        f.pop("tips", None)  # tips about something else (or a buyer's tip) are not ours
    # Only when someone cancels or refunds is there anything to attribute (most chatter not).
    if cancels or requests or "refund" in where or "self_refund" in where:
        _attribute(lex, tokens, where, f, cancels, requests, generic)
    return f


def _attribute(
    lex: Lexicon,
    tokens: list[str],
    where: dict[str, list[int]],
    f: dict[str, float],
    cancels: list[int],
    requests: list[int],
    generic: list[int],
) -> None:
    """Who cancels (or refunds): the member, the buyer, or nobody in particular."""

    def between(a: int, b: int, *concepts: str) -> bool:
        for c in concepts:
            for p in where.get(c, ()):
                if a < p < b:
                    return True
        return False

    agents: list[tuple[int, str]] = []
    selves = set(where.get("self", ()))
    owners = {*where.get("buyer", ()), *where.get("possessable", ())}
    for pos in sorted({*selves, *where.get("buyer", ())}):
        if pos in selves:
            # "buyer saya" / "orderan ane": a pronoun right after a noun is a possessive.
            if pos > 0 and tokens[pos] in lex.self_words and pos - 1 in owners:
                continue
            agents.append((pos, "self"))
        else:
            agents.append((pos, "buyer"))

    breaks = _positions(tokens, BREAK)
    end = len(tokens)

    def sentence(pos: int) -> tuple[int, int]:
        """The BREAKs around ``pos`` (-1 and the end when there is none)."""
        i = bisect_left(breaks, pos)
        j = bisect_right(breaks, pos, i)
        return (breaks[i - 1] if i else -1), (breaks[j] if j < len(breaks) else end)

    def who_cancels(pos: int) -> str:
        lo, hi = sentence(pos)
        if between(max(lo, pos - 3), pos + 1, "passive"):
            # "it got cancelled (by the buyer)": the subject is not the one cancelling.
            after = [a for a in agents if pos < a[0] <= min(hi, pos + 4)]
            if after:
                return after[0][1]
            return "buyer" if between(lo, hi, "buyer") else ""
        before = [a for a in agents if max(lo, pos - AGENT_WINDOW) < a[0] < pos]
        if before:
            apos, who = before[-1]
            if who == "buyer" and between(apos, pos, "decide"):
                # "I asked the buyer to accept a cancellation": the buyer only answers it;
                # whoever asked (sent, requested) it is the one who wants out.
                asker = [a for a in agents if lo < a[0] < apos]
                if (
                    asker
                    and asker[-1][1] == "self"
                    and between(asker[-1][0], apos, "request", "initiate")
                ):
                    return "self"
            if who == "self":
                # "I declined the cancel", "I got a cancel request": answering the buyer's.
                # (Dutch puts the verb last: "ik heb de cancel geweigerd".)
                if between(apos, pos, "decide", "receive") or between(
                    pos, min(hi, pos + 4), "decide"
                ):
                    return "buyer"
                # "the client asks whether I want to cancel": the request is the buyer's.
                earlier = [a for a in agents if lo < a[0] < apos]
                if (
                    earlier
                    and earlier[-1][1] == "buyer"
                    and between(max(earlier[-1][0], apos - 4), apos, "request")
                ):
                    return "buyer"
            return who
        if between(max(lo, pos - 7), pos, "request") and not any(
            lo < a[0] < pos and a[1] == "self" for a in agents
        ):
            return "buyer"  # "asks for the order to be cancelled"
        after = [a for a in agents if pos < a[0] <= min(hi, pos + 3)]
        if after:
            return after[0][1]
        previous = [a for a in agents if a[0] < lo]
        return previous[-1][1] if previous else ""

    refusals = sorted(set(where.get("no_cancel", ())))
    for pos in cancels:
        if any(r <= pos <= r + 3 for r in requests):
            continue  # part of a "cancel request" phrase: attributed below
        refusal = next((q for q in refusals if q <= pos <= q + 5), None)
        if refusal is not None:
            # "I don't want to cancel (but the buyer does)": the buyer's request, refused;
            # "he is not asking to cancel": no cancellation at all.
            if who_cancels(refusal) == "self":
                f["buyer_cancels"] = 1.0
            continue
        if any(g <= pos <= g + 3 for g in generic):
            continue  # "cancellations" in general: nobody in particular cancels
        who = who_cancels(pos)
        if who == "self":
            f["self_cancels"] = 1.0
        elif who == "buyer":
            f["buyer_cancels"] = 1.0
        else:
            f["cancel_unattributed"] = 1.0
            if between(pos - 4, pos, "how", "modal"):
                f["how_cancel"] = 1.0
    for pos in sorted(set(where.get("refund", ()))):
        # "I want to refund him": the seller gives the money back, so the seller ends it.
        if who_cancels(pos) == "self":
            f["self_cancels"] = 1.0
            f["self_refunds"] = 1.0
    buyer_request = False
    for pos in requests:
        before = [a for a in agents if pos - AGENT_WINDOW <= a[0] < pos]
        # "I sent the buyer a cancellation request": the verb may stand a few words before
        senders = [p for p in where.get("initiate", ()) if pos - 6 < p < pos + 5]
        # Who sent it: the agent just before the verb ("the request she sent").
        sender = next(
            (a[1] for a in reversed(agents) if senders and senders[0] - 4 <= a[0] < senders[0]),
            None,
        )
        sent = bool(senders) and sender != "buyer"
        if sent and (not before or before[-1][1] == "self" or sender == "self"):
            f["self_cancels"] = 1.0  # "I sent a cancellation request": the seller's own
        else:
            f["buyer_cancels"] = 1.0
            buyer_request = True
    if not buyer_request:
        f.pop("cancel_request", None)
    if "self_refund" in where:
        f["self_cancels"] = 1.0
        f["self_refunds"] = 1.0
    seller_ends = f.get("self_cancels") and not f.get("buyer_cancels")
    if cancels or requests:
        # Whether to ignore or accept a request is the seller's question about the buyer's
        # cancellation; when the seller cancels, "accept"/"automatic" is about the buyer.
        if "ignore" in where and not seller_ends:
            f["ignore_cancel"] = 1.0
        if "decide" in where and not seller_ends:
            f["decide_cancel"] = 1.0
        if "mistake" in where:
            f["mistake_cancel"] = 1.0
    if "escalate" in where and (cancels or requests or "refund" in where):
        f["escalate_cancel"] = 1.0  # "he'll go to support if I don't cancel / refund him"
        if any(
            a[1] == "buyer" and any(abs(a[0] - e) <= 3 for e in where["escalate"]) for a in agents
        ):
            f["buyer_threatens"] = 1.0  # "the buyer threatens ...", whatever else is said
    if "resolution" in where and f.get("self_cancels"):
        f["resolution_self"] = 1.0
    if "resolution" in where and f.get("how_cancel"):
        f["how_resolution"] = 1.0
