"""The router's confidence model (how likely the top guide is acceptable) and how
``classifier.decide`` uses it: a guide outright only when confident enough, short questions
still by the probability alone, other-marketplace posts the model reads as off-topic left off."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bot import training
from bot.core import classifier
from bot.core.corpus import Item

BCR, CR, SC, GA = "buyer-cancel-request", "completion-rate", "seller-cancel", "general-advice"
THRESHOLDS = {"unsure": 0.6, "offtopic": 0.5, "also": 1.0}


def prediction(
    first: str, p1: float, second: str, p2: float, sure: float | None
) -> classifier.Prediction:
    rest = [c for c in training.CLASSES if c not in (first, second)]
    share = (1.0 - p1 - p2) / len(rest)
    ranked = ((first, p1), (second, p2), *((c, share) for c in rest))
    return classifier.Prediction(ranked, sure)


def test_a_guide_is_given_outright_only_when_the_confidence_reaches_the_threshold() -> None:
    # A likely guide the confidence model doubts: choices instead of a guide.
    doubted = classifier.decide(prediction(SC, 0.8, BCR, 0.1, sure=0.4), [], THRESHOLDS)
    assert doubted.kind == "unsure" and doubted.candidates[0] == SC
    # Two guides sharing the mass, both usually acceptable together: the first, outright.
    shared = classifier.decide(prediction(CR, 0.45, BCR, 0.4, sure=0.85), [], THRESHOLDS)
    assert shared.kind == "situation" and shared.situation == CR


def test_without_a_confidence_model_the_top_probability_decides() -> None:
    assert classifier.decide(prediction(CR, 0.45, BCR, 0.4, None), [], THRESHOLDS).kind == "unsure"
    assert (
        classifier.decide(prediction(CR, 0.7, BCR, 0.2, None), [], THRESHOLDS).kind == "situation"
    )


def test_short_questions_still_need_a_nearly_certain_model() -> None:
    short = classifier.decide(prediction(CR, 0.7, BCR, 0.2, sure=0.99), [], THRESHOLDS, words=2)
    assert short.kind == "unsure"


def test_another_marketplace_post_the_model_reads_as_off_topic_is_never_given_a_guide() -> None:
    invoice = prediction(classifier.OFFTOPIC, 0.7, GA, 0.2, sure=0.9)
    unpaid = classifier.decide(invoice, ["c:" + classifier.ELSEWHERE], THRESHOLDS)
    assert unpaid.kind == "offtopic"
    # ... but about a refund there: the general advice offered first, not declined (spec).
    refunded = classifier.decide(invoice, ["c:" + classifier.ELSEWHERE, "c:refund"], THRESHOLDS)
    assert (refunded.kind, refunded.candidates[0], refunded.elsewhere) == ("unsure", GA, True)
    refund = prediction(BCR, 0.5, GA, 0.3, sure=0.3)
    route = classifier.decide(refund, ["c:" + classifier.ELSEWHERE, "c:refund"], THRESHOLDS)
    assert (route.kind, route.situation, route.elsewhere) == ("situation", GA, True)


def test_the_general_advice_is_given_outright_only_to_a_post_about_cancelling() -> None:
    # Another marketplace's job success score: no cancellation, refund or dispute named.
    score = prediction(GA, 0.7, CR, 0.1, sure=0.9)
    for feats in ([], ["c:" + classifier.ELSEWHERE]):
        route = classifier.decide(score, feats, THRESHOLDS)
        assert (route.kind, route.situation, route.candidates[0]) == ("unsure", None, GA)
        assert route.also is None
    # The same prediction for a post that names a cancellation: the general advice, outright.
    for feats in (["c:cancel"], ["c:" + classifier.ELSEWHERE, "c:refund"]):
        route = classifier.decide(score, feats, THRESHOLDS)
        assert (route.kind, route.situation) == ("situation", GA)
    # Other guides need no such concept (the model's words decide them).
    assert classifier.decide(prediction(CR, 0.7, GA, 0.1, 0.9), [], THRESHOLDS).situation == CR


def test_the_route_reports_the_confidence_that_decided() -> None:
    route = classifier.decide(prediction(CR, 0.45, BCR, 0.4, sure=0.85), [], THRESHOLDS)
    assert route.confidence == 0.85
    doubted = classifier.decide(prediction(SC, 0.8, BCR, 0.1, sure=0.4), [], THRESHOLDS)
    assert doubted.confidence == 0.4


def test_short_questions_are_judged_by_the_probability_on_its_own_scale() -> None:
    # With a confidence model, ``unsure`` is on the confidence scale: a two-word question
    # needs the probability to reach SHORT_CONFIDENT, whatever that threshold is.
    strict = {**THRESHOLDS, "unsure": 0.95}
    nearly = prediction(CR, 0.92, BCR, 0.02, sure=0.5)
    assert classifier.decide(nearly, [], strict, words=2).kind == "situation"
    assert classifier.decide(replace(nearly, sure=None), [], strict, words=2).kind == "unsure"


def test_the_model_file_keeps_the_confidence_model_and_older_files_load_without_it() -> None:
    model = classifier.Model(
        training.CLASSES,
        tuple(0.0 for _ in training.CLASSES),
        {"w:cancel": tuple(float(k) for k in range(len(training.CLASSES)))},
        confidence=classifier.Confidence(-1.0, {"p1": 3.0, f"{CR}|{BCR}": 1.5}),
    )
    again = classifier.from_json(model.to_json())
    assert again.confidence == model.confidence
    ranked = again.predict(["w:cancel"]).ranked
    assert again.predict(["w:cancel"]).sure == pytest.approx(model.confidence.of(ranked))
    older = model.to_json()
    del older["confidence"]
    assert classifier.from_json(older).predict(["w:cancel"]).sure is None
    with pytest.raises(classifier.ModelError):
        classifier.from_json({**model.to_json(), "confidence": {"weights": {}}})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "nan"])
def test_a_model_file_with_a_number_that_is_not_finite_is_refused(bad: object) -> None:
    base = classifier.load().to_json()
    with pytest.raises(classifier.ModelError, match="finite"):
        classifier.from_json({**base, "confidence": {"bias": bad, "weights": {"p1": 1.0}}})
    with pytest.raises(classifier.ModelError, match="finite"):
        classifier.from_json({**base, "bias": [bad, *base["bias"][1:]]})


def test_an_extreme_confidence_weight_does_not_overflow() -> None:
    far = classifier.Confidence(-1000.0, {"p1": 1.0})
    assert far.of(prediction(CR, 0.5, BCR, 0.3, None).ranked) == pytest.approx(0.0)
    assert classifier.Confidence(1000.0, {}).of(prediction(CR, 0.5, BCR, 0.3, None).ranked) == 1.0


def test_a_model_file_needs_two_guides() -> None:
    one = {"classes": [CR, classifier.OFFTOPIC], "bias": [0.0, 0.0], "weights": {}}
    with pytest.raises(classifier.ModelError, match="two guides"):
        classifier.from_json(one)


def test_the_shipped_model_decides_with_its_confidence_model() -> None:
    model = classifier.load()
    assert model.confidence is not None and model.confidence.weights
    assert model.predict(["w:cancel"]).sure is not None


def _data(n: int) -> tuple[training.Featurized, list[classifier.Prediction]]:
    """``n`` posts led by CR then BCR (both acceptable nearly always) or SC then GA (the first
    rarely acceptable), at the same probabilities."""
    rng = random.Random(7)
    items, preds = [], []
    for k in range(n):
        together = k % 2 == 0
        first, second = (CR, BCR) if together else (SC, GA)
        ok = rng.random() < (0.9 if together else 0.2)
        accept = (first, second) if ok else (GA if together else BCR,)
        items.append(Item(f"r{k}", "en", accept[0], accept, "t", f"https://x/{k}", "real"))
        preds.append(prediction(first, 0.45, second, 0.35, None))
    return training.Featurized(items, [[] for _ in items], ["en"] * n, [20] * n), preds


def test_the_confidence_model_learns_which_leading_pairs_are_acceptable() -> None:
    data, preds = _data(200)
    confidence = training.fit_confidence(data, preds, range(200))
    assert confidence is not None
    assert confidence.of(preds[0].ranked) > 0.7 > 0.3 > confidence.of(preds[1].ranked)


def test_too_few_real_posts_fit_no_confidence_model() -> None:
    data, preds = _data(training.MIN_CONFIDENCE_POSTS - 1)
    assert training.fit_confidence(data, preds, range(len(preds))) is None


def test_the_evaluation_routes_with_the_confidence_model_it_fitted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cross-validation judges with the fitted confidence, not the raw probabilities: a
    confidence model that doubts everything leaves no guide given outright."""
    rng = random.Random(3)
    items, feats = [], []
    for k in range(150):
        label = (CR, SC, None)[k % 3]
        items.append(Item(f"r{k}", "en", label, (label,), "t", f"https://x/{k}", "real"))
        feats.append([f"w:{label}", f"w:noise{rng.randrange(5)}"])
    data = training.Featurized(items, feats, ["en"] * 150, [20] * 150)
    params = training.Params(folds=3)
    given = training.evaluate(data, params).real
    assert given.right > 0.8 * given.n and given.unsure < given.n  # a clear corpus: guides given
    fixed = {"unsure": 0.5, "offtopic": 0.0, "also": 1.0}
    monkeypatch.setattr(training, "choose_thresholds", lambda *_: fixed)
    monkeypatch.setattr(training, "fit_confidence", lambda *_: classifier.Confidence(-50.0, {}))
    doubted = training.evaluate(data, params)
    # Every post the model reads as a guide is now unsure (the raw probabilities would have
    # given those guides outright); the off-topic third stays off-topic.
    assert doubted.real.wrong == 0 and doubted.real.unsure >= 0.6 * doubted.real.n
    assert doubted.calibration.confidence == classifier.Confidence(-50.0, {})
