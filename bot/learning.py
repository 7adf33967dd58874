"""Learning from the community: ``sellerbot train`` retrains the question router from the shipped
corpus plus the deployment's confirmed examples, and adopts the new model only when it is not
worse on the shipped real posts.

How the two models are compared (:func:`plan`):

- Both are judged by k-fold cross-validation on the **shipped corpus**, with the same folds
  (:func:`bot.training.folds_of`, the posts of one page in one fold): each fold is scored by a
  model trained on the other folds, the confidence model and thresholds for a fold are fitted
  and chosen on the real posts of the other folds, and only the **real posts** are judged,
  under ROUTING_SPEC (right, useful, wrong guide), as ``bench/eval_routing.py`` does.
- The *retrained* model's folds are trained with every confirmed example added; the examples
  are never judged (they are the deployment's word, not the spec's).
- The *model in use* is evaluated the same way: the shipped model by training on the shipped
  corpus alone, a model adopted earlier with the confirmed examples it learnt from.

**The rule:** the retrained model is adopted when, on those real posts, it answers right at
least as many as the model in use (``after.right >= before.right``) **and** gives a wrong
guide to at most as many (``after.wrong <= before.wrong``). Otherwise it is refused, and the
model in use stays. "Useful" is reported, not ruled on.

The adopted model is trained on the whole shipped corpus plus every confirmed example, with the
confidence model and thresholds fitted and chosen on the cross-validated real posts (as
``tools/train_router.py`` does), and stored in the deployment's database as its one active
model (:mod:`bot.active_model`).
Needs scikit-learn (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot import active_model, training
from bot.core import classifier, corpus
from bot.core.corpus import Item
from bot.core.engine import Core
from bot.storage import Example, Repository, RouterModel

#: The install command printed when scikit-learn is missing.
INSTALL = "pip install -e '.[train]'"


class MissingTrainingDependencies(Exception):
    """scikit-learn is not installed (the ``train`` extra)."""


def check_dependencies() -> None:
    """Raises :class:`MissingTrainingDependencies` without scikit-learn (and SciPy)."""
    try:
        import scipy.sparse  # noqa: F401
        import sklearn.linear_model  # noqa: F401
    except ImportError as exc:
        raise MissingTrainingDependencies(
            f"retraining needs scikit-learn, which is not installed: {INSTALL}"
        ) from exc


@dataclass(frozen=True)
class Figures:
    """Cross-validated figures on the shipped real posts (counts)."""

    n: int
    right: int
    useful: int
    wrong: int

    def pct(self, what: str) -> float:
        return 100.0 * getattr(self, what) / self.n if self.n else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "right": self.right, "useful": self.useful, "wrong": self.wrong}


def not_worse(after: Figures, before: Figures) -> bool:
    """The adoption rule (see the module docstring): as many right answers or more, and as
    many wrong guides or fewer, on the same real posts."""
    return after.right >= before.right and after.wrong <= before.wrong


@dataclass(frozen=True)
class Change:
    """A confirmed example whose question gets another answer from the retrained model."""

    text: str
    label: str | None  # what the moderators confirmed (None: off-topic)
    before: str  # a situation id, "unsure" or "off-topic"
    after: str


@dataclass
class Outcome:
    """What :func:`plan` found (and, through :func:`retrain`, did)."""

    examples: int  # confirmed examples learnt from
    items: int  # shipped corpus items
    before_name: str  # the model in use
    before: Figures
    after: Figures
    adopted: bool
    changed: list[Change] = field(default_factory=list)
    model: classifier.Model | None = None  # the retrained model (None when nothing to learn)
    stored_id: int | None = None  # once adopted and stored
    folds: int = 5
    nothing_new: bool = False  # the model in use learnt from these very examples

    def figures_json(self) -> dict[str, Any]:
        return {
            "base": active_model.shipped_hash(),
            "folds": self.folds,
            "before": {"model": self.before_name, **self.before.to_json()},
            "after": self.after.to_json(),
        }


def community_items(examples: Sequence[Example]) -> list[Item]:
    """Confirmed examples as corpus items (provenance ``community``; as ``sellerbot examples
    export`` writes them)."""
    return [
        Item(
            f"community-{e.platform}-{e.id}",
            e.lang,
            e.answer,
            (e.answer,),
            e.text,
            f"community:{e.platform}",
            "community",
            e.platform,
        )
        for e in examples
    ]


def _learnt(items: Sequence[Item]) -> list[dict[str, Any]]:
    """The examples a model learnt from, as recorded in it (to evaluate it again later)."""
    return [{"text": it.text, "lang": it.lang, "answer": it.label} for it in items]


def _from_record(model: classifier.Model) -> list[Item]:
    return [
        Item(f"learnt-{n}", r["lang"], r["answer"], (r["answer"],), r["text"], "community",
             "community")
        for n, r in enumerate(model.trained.get("community", []))
    ]  # fmt: skip


def cross_validate_real(
    data: training.Featurized, shipped: int, extra: Sequence[int], params: training.Params
) -> tuple[Figures, training.Calibration]:
    """Figures on the real posts among the first ``shipped`` items of ``data``, k-fold
    cross-validated; the items at ``extra`` are in every fold's training, never judged.
    Also the confidence model and thresholds fitted and chosen on every cross-validated real
    post (for the final model)."""
    fold = training.folds_of(data.items[:shipped], params.folds, params.seed)
    preds: list[classifier.Prediction] = [classifier.Prediction(())] * shipped
    for k in range(params.folds):
        train = [i for i in range(shipped) if fold[i] != k] + list(extra)
        model = training.fit(data, train, params)
        for i in range(shipped):
            if fold[i] == k:
                preds[i] = model.predict(data.feats[i])
    total = training.Tally()
    real = [i for i in range(shipped) if data.items[i].real]
    for i, route in training.fold_routes(data, preds, fold, real).items():
        total.add(training.judge(data.items[i], route, data.langs[i]))
    figures = Figures(total.n, int(total.right), int(total.useful), int(total.wrong))
    return figures, training.calibrate(data, preds, real)[0]


def _answer(model: classifier.Model, data: training.Featurized, i: int) -> str:
    route = classifier.decide(
        model.predict(data.feats[i]), data.feats[i], model.thresholds, data.words[i]
    )
    if route.situation is not None:
        return route.situation
    return "off-topic" if route.kind == "offtopic" else route.kind


def plan(
    core: Core,
    shipped: Sequence[Item],
    examples: Sequence[Example],
    current: classifier.Model,
    current_name: str,
    params: training.Params,
    report: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Retrain, evaluate both models and decide (nothing is stored here).

    Args:
        core: For its lexicons and languages (the features).
        shipped: The shipped corpus.
        examples: The deployment's confirmed examples.
        current: The model in use (the shipped one, or a stored one).
        current_name: How to name it in the report.
        params: Training parameters (``folds`` among them).
        report: Called with a line of progress now and then (training limits its own BLAS
            threads, :func:`bot.training.fit`).
    """
    community = community_items(examples)
    earlier = _from_record(current) if current.trained.get("community") else []
    n = len(shipped)
    same = sorted((it.text, it.label) for it in community) == sorted(
        (it.text, it.label) for it in earlier
    )
    if not community or (same and current.trained.get("base") == active_model.shipped_hash()):
        empty = Figures(0, 0, 0, 0)
        return Outcome(len(community), n, current_name, empty, empty, False, folds=params.folds,
                       nothing_new=bool(community))  # fmt: skip
    items = [*shipped, *community, *earlier]
    report(f"reading {len(items)} questions")
    data = training.featurize(core.lexicon, items, core.languages)
    mine = list(range(n, n + len(community)))
    theirs = list(range(n + len(community), len(items)))
    report(f"cross-validating the model in use ({current_name}), {params.folds} folds")
    before, _ = cross_validate_real(data, n, theirs, params)
    report(f"cross-validating the retrained model, {params.folds} folds")
    after, calibration = cross_validate_real(data, n, mine, params)
    report("training the retrained model on every question")
    model = training.fit(data, [*range(n), *mine], params)
    calibration.apply(model)
    model.trained = {
        "date": dt.date.today().isoformat(),
        "items": n,
        "real": sum(it.real for it in shipped),
        "examples": len(community),
        "params": vars(params),
        "cross_validated_real": after.to_json(),
        "community": _learnt(community),
        "base": active_model.shipped_hash(),
    }
    changed = [
        Change(it.text, it.label, b, a)
        for it, i in zip(community, mine, strict=True)
        if (b := _answer(current, data, i)) != (a := _answer(model, data, i))
    ]
    return Outcome(
        len(community), n, current_name, before, after, not_worse(after, before), changed,
        model, folds=params.folds,
    )  # fmt: skip


async def retrain(
    core: Core,
    repo: Repository,
    shipped: Sequence[Item] | None = None,
    *,
    folds: int | None = None,
    dry_run: bool = False,
    report: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """``sellerbot train``: retrain from the shipped corpus (default ``corpus/``) and the
    deployment's confirmed examples, and store the new model as the active one when
    :func:`not_worse` (unless ``dry_run``). ``core`` answers with the shipped model.

    Raises:
        MissingTrainingDependencies: Without scikit-learn.
    """
    check_dependencies()
    items = list(shipped) if shipped is not None else corpus.load()
    examples = await repo.list_examples(status="confirmed")
    found = await active_model.load_active(repo)
    current, current_name = core.model, "the shipped model"
    if found is not None:
        current, stored = found
        current_name = _name(stored)
    params = training.Params(**_params(core.model))
    if folds is not None:
        params = replace(params, folds=folds)
    outcome = plan(core, items, examples, current, current_name, params, report)
    if outcome.adopted and outcome.model is not None and not dry_run:
        outcome.stored_id = await repo.add_router_model(
            active_model.dumps(outcome.model),
            outcome.figures_json(),
            outcome.examples,
            outcome.items,
        )
    return outcome


def _params(model: classifier.Model) -> dict[str, Any]:
    """The shipped model's training parameters (those :class:`training.Params` knows)."""
    known = set(vars(training.Params()))
    return {k: v for k, v in model.trained.get("params", {}).items() if k in known}


def _name(stored: RouterModel) -> str:
    return (
        f"retrained model #{stored.id} of {stored.trained_at:%Y-%m-%d %H:%M} UTC, "
        f"{stored.examples} examples"
    )
