"""Training and honest evaluation of the question router (scikit-learn, at training time only).

``tools/train_router.py`` trains the model shipped in ``model/router.json``;
``bench/eval_routing.py`` prints its cross-validated figures. Both use this module:

- every item is scored by a model that never saw it (k-fold cross-validation; the posts of
  one page stay in one fold);
- the confidence model (how likely the top guide is acceptable) is fitted, and the thresholds
  for "unsure", "off-topic" and "Also about" are chosen, on cross-validated real posts only;
  the figures quoted for a fold use those fitted and chosen on the other folds;
- figures follow ROUTING_SPEC: *right* (the answer is in ``accept``; for off-topic posts, no
  guide given), *useful* (right, or unsure with an acceptable first choice), *wrong guide* (a
  guide given that is not in ``accept``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core import classifier, lexicon, situations
from bot.core.corpus import Item
from bot.core.engine import MAX_QUESTION
from bot.core.language import decide as decide_language

CLASSES: tuple[str, ...] = (*(s.id for s in situations.SITUATIONS), classifier.OFFTOPIC)


@dataclass
class Params:
    """What training can vary; the defaults are what cross-validation chose."""

    c: float = 4.0  # inverse regularisation strength of the logistic regression
    real_weight: float = 2.0  # a real post counts this many written questions
    accept_weight: float = 0.3  # weight of a copy of the post under each other accepted answer
    min_df: int = 2  # a feature must occur in this many training items
    norm: float = 0.5  # features are scaled by (their count) ** -norm: long posts weigh less
    folds: int = 5
    seed: int = 13


@dataclass
class Featurized:
    items: list[Item]
    feats: list[list[str]]
    langs: list[str | None]  # the language each question is detected as
    words: list[int]  # how many words each question has


def featurize(lex: lexicon.Lexicon, items: Sequence[Item], languages: Sequence[str]) -> Featurized:
    feats: list[list[str]] = []
    langs: list[str | None] = []
    words: list[int] = []
    for it in items:
        reading = lex.read(it.text[:MAX_QUESTION])
        lang = decide_language(reading.marks, languages, reading.n_words)[0]
        feats.append(classifier.featurize(lex, reading, lang))
        langs.append(lang)
        words.append(reading.n_words)
    return Featurized(list(items), feats, langs, words)


def _label(a: str | None) -> str:
    return classifier.OFFTOPIC if a is None else a


def fit(data: Featurized, idx: Sequence[int], params: Params) -> classifier.Model:
    """Train on the items at ``idx``."""
    from scipy.sparse import csr_matrix  # training-time dependencies
    from sklearn.linear_model import LogisticRegression

    df = Counter(f for i in idx for f in set(data.feats[i]))
    vocab = sorted(f for f, n in df.items() if n >= params.min_df)
    col = {f: j for j, f in enumerate(vocab)}
    rows, cols, vals, y, w = [], [], [], [], []
    r = 0
    for i in idx:
        it = data.items[i]
        base = params.real_weight if it.real else 1.0
        # Features are scaled by the question's own feature count, as the model does at use.
        fs = data.feats[i]
        scale = len(fs) ** -params.norm if fs else 0.0
        present = [col[f] for f in fs if f in col]
        labels = [(_label(it.label), base)]
        labels += [(_label(a), base * params.accept_weight) for a in it.accept[1:]]
        for lab, weight in labels:
            for j in present:
                rows.append(r)
                cols.append(j)
                vals.append(scale)
            y.append(lab)
            w.append(weight)
            r += 1
    x = csr_matrix((vals, (rows, cols)), shape=(r, len(vocab)))
    from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

    model = LogisticRegression(C=params.c, max_iter=3000)
    # One BLAS thread: the problem is small, and on a busy 2-core machine the threads waiting
    # for each other made a fit several times slower.
    with threadpool_limits(1):
        model.fit(x, y, sample_weight=w)
    order = [list(model.classes_).index(c) if c in model.classes_ else None for c in CLASSES]
    coef = model.coef_
    bias = tuple(float(model.intercept_[k]) if k is not None else -30.0 for k in order)
    return classifier.Model(
        CLASSES,
        bias,
        _weights(col, [coef[k] if k is not None else None for k in order]),
        norm=params.norm,
    )


def _weights(col: dict[str, int], rows: list[Any]) -> dict[str, tuple[float, ...]]:
    weights: dict[str, tuple[float, ...]] = {}
    for f, j in col.items():
        row = tuple(round(float(r[j]), 4) if r is not None else 0.0 for r in rows)
        if any(abs(v) >= 1e-4 for v in row):
            weights[f] = row
    return weights


def folds_of(items: Sequence[Item], k: int, seed: int) -> list[int]:
    """A fold number per item, from a hash of its group (stable across runs and machines)."""
    return [int(hashlib.sha256(f"{seed}:{it.group}".encode()).hexdigest(), 16) % k for it in items]


def cross_validate(
    data: Featurized, params: Params
) -> tuple[list[classifier.Prediction], list[int]]:
    """Out-of-fold predictions: each item scored by a model trained on the other folds."""
    fold = folds_of(data.items, params.folds, params.seed)
    preds: list[classifier.Prediction | None] = [None] * len(data.items)
    for k in range(params.folds):
        train = [i for i, f in enumerate(fold) if f != k]
        model = fit(data, train, params)
        for i, f in enumerate(fold):
            if f == k:
                preds[i] = model.predict(data.feats[i])
    return [p for p in preds if p is not None], fold


# -- judging ------------------------------------------------------------------------------


@dataclass
class Tally:
    n: int = 0
    right: int = 0
    useful: int = 0
    wrong: int = 0
    unsure: int = 0
    lang_right: int = 0
    also: int = 0  # "Also about" offered
    also_ok: int = 0  # ... and it was an accepted answer

    def add(self, other: Tally) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def pct(self, k: str) -> float:
        return 100.0 * getattr(self, k) / self.n if self.n else 0.0

    def line(self) -> str:
        also = f", also-about {self.also_ok}/{self.also} acceptable" if self.also else ""
        return (
            f"n={self.n:4d}  right {self.pct('right'):5.1f}%  useful {self.pct('useful'):5.1f}%"
            f"  wrong guide {self.pct('wrong'):4.1f}%  unsure {self.pct('unsure'):4.1f}%"
            f"  language {self.pct('lang_right'):5.1f}%{also}"
        )


def judge(item: Item, route: Any, lang: str | None) -> Tally:
    """One item's figures under ROUTING_SPEC."""
    t = Tally(n=1)
    accept = set(item.accept)
    if route.kind == "situation":
        t.right = route.situation in accept
        t.wrong = not t.right
        if route.also:
            t.also = 1
            t.also_ok = route.also in accept
    elif route.kind == "unsure":
        t.unsure = 1
        t.right = None in accept
        t.useful = bool(route.candidates) and route.candidates[0] in accept
    else:
        t.right = None in accept
    t.useful = t.useful or t.right
    t.lang_right = lang == item.lang or (lang is None and item.lang == "en")
    return t


def routes(
    data: Featurized,
    preds: Sequence[classifier.Prediction],
    thresholds: dict[str, float],
    idx: Iterable[int],
) -> dict[int, Any]:
    return {i: classifier.decide(preds[i], data.feats[i], thresholds, data.words[i]) for i in idx}


GRID_UNSURE = (0.0, *(round(0.2 + 0.05 * k, 2) for k in range(16)))  # 0.2 ... 0.95
GRID_OFFTOPIC = (0.0, 0.3, 0.4, 0.5, 0.6)
GRID_ALSO = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
#: How much worse a wrong guide is than an unsure answer when choosing thresholds.
WRONG_COST = 3.0


def choose_thresholds(
    data: Featurized, preds: Sequence[classifier.Prediction], idx: Sequence[int]
) -> dict[str, float]:
    """The thresholds that do best on the items at ``idx`` (real posts): most right answers,
    a wrong guide counting ``WRONG_COST`` times; then the "Also about" ratio whose offers
    are acceptable at least half the time, the lowest such."""
    best: tuple[float, float, float] | None = None
    best_key = (-math.inf, 0.0)
    for u in GRID_UNSURE:
        for o in GRID_OFFTOPIC:
            th = {"unsure": u, "offtopic": o, "also": 1.0}
            total = Tally()
            for i, r in routes(data, preds, th, idx).items():
                total.add(judge(data.items[i], r, data.langs[i]))
            key = (total.right - WRONG_COST * total.wrong, total.useful)
            if key > best_key:
                best_key, best = key, (u, o, 1.0)
    assert best is not None
    u, o, _ = best
    also = 1.0
    for a in GRID_ALSO:
        total = Tally()
        for i, r in routes(data, preds, {"unsure": u, "offtopic": o, "also": a}, idx).items():
            total.add(judge(data.items[i], r, data.langs[i]))
        if total.also and total.also_ok / total.also >= 0.5:
            also = a
            break
    return {"unsure": u, "offtopic": o, "also": also}


#: Fewer cross-validated real posts than this fit no confidence model (the top guide's
#: probability decides alone): a few dozen posts cannot tell which pairs of guides go together.
MIN_CONFIDENCE_POSTS = 100
#: A pair of leading guides weighs in the confidence model only when it leads this many posts.
MIN_PAIR_POSTS = 5


def fit_confidence(
    data: Featurized, preds: Sequence[classifier.Prediction], idx: Sequence[int]
) -> classifier.Confidence | None:
    """The :class:`~bot.core.classifier.Confidence` model, fitted on the items at ``idx``
    (cross-validated real posts, all of them, also those ``decide`` settles without it: the
    off-topic ones, other marketplaces, two-word questions): does the top guide of each
    prediction stand in the item's ``accept``? ``None`` with fewer than
    :data:`MIN_CONFIDENCE_POSTS` items or when they are all one way (nothing to fit)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [classifier.Confidence.inputs(preds[i].ranked) for i in idx]
    y = [preds[i].situations()[0][0] in data.items[i].accept for i in idx]
    if len(idx) < MIN_CONFIDENCE_POSTS or len(set(y)) < 2:
        return None
    seen = Counter(k for row in rows for k in row if "|" in k)
    rows = [
        {k: v for k, v in row.items() if "|" not in k or seen[k] >= MIN_PAIR_POSTS} for row in rows
    ]
    vec = DictVectorizer()
    model = LogisticRegression(C=1.0, max_iter=2000).fit(vec.fit_transform(rows), y)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), model.coef_[0], strict=True)
    }
    return classifier.Confidence(round(float(model.intercept_[0]), 4), weights)


def with_confidence(
    preds: Sequence[classifier.Prediction], confidence: classifier.Confidence | None
) -> list[classifier.Prediction]:
    """The predictions with ``sure`` worked out by ``confidence``."""
    return [replace(p, sure=confidence.of(p.ranked) if confidence else None) for p in preds]


@dataclass
class Calibration:
    """What is fitted and chosen on cross-validated real posts, beside the model's weights."""

    confidence: classifier.Confidence | None
    thresholds: dict[str, float]

    def apply(self, model: classifier.Model) -> None:
        """Give ``model`` these thresholds and this confidence model."""
        model.thresholds = self.thresholds
        model.confidence = self.confidence


def calibrate(
    data: Featurized, preds: Sequence[classifier.Prediction], idx: Sequence[int]
) -> tuple[Calibration, list[classifier.Prediction]]:
    """Fit the confidence model and choose the thresholds on the items at ``idx`` (real posts,
    scored out of fold); also every prediction rescored with that confidence model."""
    confidence = fit_confidence(data, preds, idx)
    scored = with_confidence(preds, confidence)
    return Calibration(confidence, choose_thresholds(data, scored, idx)), scored


def fold_routes(
    data: Featurized,
    preds: Sequence[classifier.Prediction],
    fold: Sequence[int],
    judged: Iterable[int],
) -> dict[int, Any]:
    """The route of each item at ``judged``, with the confidence model fitted and the
    thresholds chosen on the real posts of the other folds (``fold``: a fold number for each
    of the first ``len(fold)`` items, scored out of fold in ``preds``)."""
    wanted = set(judged)
    out: dict[int, Any] = {}
    for k in sorted(set(fold)):
        others = [i for i, f in enumerate(fold) if f != k and data.items[i].real]
        cal, scored = calibrate(data, preds, others)
        mine = [i for i, f in enumerate(fold) if f == k and i in wanted]
        out.update(routes(data, scored, cal.thresholds, mine))
    return out


@dataclass
class Report:
    by_set: dict[str, Tally] = field(default_factory=dict)
    by_lang: dict[str, Tally] = field(default_factory=dict)  # real posts only
    by_answer: dict[str, Tally] = field(default_factory=dict)  # real posts only
    real: Tally = field(default_factory=Tally)
    misses: list[tuple[Item, Any]] = field(default_factory=list)
    calibration: Calibration = field(default_factory=lambda: Calibration(None, {}))


def evaluate(data: Featurized, params: Params) -> Report:
    """Cross-validated figures. For the items of each fold, the confidence model is fitted and
    the thresholds chosen on the real posts of the other folds (scored out of fold): no
    item's own label takes part in the choices it is judged with. It is not fully nested: the
    other folds' scores come from models that trained on this fold, which flatters the figures
    a little (README, "How well it routes": a nested check)."""
    preds, fold = cross_validate(data, params)
    report = Report()
    for i, r in fold_routes(data, preds, fold, range(len(data.items))).items():
        it = data.items[i]
        t = judge(it, r, data.langs[i])
        report.by_set.setdefault(_set_name(it), Tally()).add(t)
        if it.real:
            report.real.add(t)
            report.by_lang.setdefault(it.lang, Tally()).add(t)
            report.by_answer.setdefault(str(it.label), Tally()).add(t)
        if not t.right:
            report.misses.append((it, r))
    real = [i for i, it in enumerate(data.items) if it.real]
    report.calibration = calibrate(data, preds, real)[0]
    return report


def _set_name(it: Item) -> str:
    if it.real:
        return f"real/{it.lang}"
    return f"{it.source.removeprefix('written:').removesuffix('.tsv') or 'written'}/{it.lang}"


def train(data: Featurized, params: Params, report: Report) -> classifier.Model:
    """The model to ship: trained on every item, with the confidence model and thresholds
    fitted and chosen on the cross-validated real posts."""
    model = fit(data, range(len(data.items)), params)
    report.calibration.apply(model)
    per_lang = {
        lang: {
            "n": t.n,
            "right": round(t.pct("right"), 1),
            "useful": round(t.pct("useful"), 1),
            "wrong": round(t.pct("wrong"), 1),
        }
        for lang, t in sorted(report.by_lang.items())
    }
    model.trained = {
        "date": dt.date.today().isoformat(),
        "items": len(data.items),
        "real": sum(it.real for it in data.items),
        "params": vars(params),
        "cross_validated_real": per_lang,
    }
    return model


def print_report(report: Report, verbose: bool = False) -> None:
    print("Cross-validated on real posts (each scored by a model that never saw it):")
    print(f"  {'all':10} {report.real.line()}")
    for lang, t in sorted(report.by_lang.items()):
        print(f"  {lang:10} {t.line()}")
    print("Real posts, per answer (label):")
    for ans, t in sorted(report.by_answer.items()):
        print(f"  {ans:22} {t.line()}")
    print("Every labelled set (cross-validated):")
    for name, t in sorted(report.by_set.items()):
        print(f"  {name:28} {t.line()}")
    print(f"Thresholds chosen on all real posts: {report.calibration.thresholds}")
    conf = report.calibration.confidence
    if conf is not None:
        weights = ", ".join(f"{k} {v:+.2f}" for k, v in sorted(conf.weights.items()))
        print(f"Confidence model fitted on them: bias {conf.bias:+.2f}; {weights}")
    if verbose:
        by = defaultdict(list)
        for it, r in report.misses:
            by[it.real].append((it, r))
        for it, r in by[True]:
            got = r.situation if r.kind == "situation" else f"{r.kind}:{r.candidates[:1]}"
            print(
                f"  MISS {it.id} {it.lang} want={list(it.accept)} got={got} "
                f"{[(c, round(p, 2)) for c, p in r.scores[:3]]} | {it.text[:150]}"
            )
