"""The router's confidence model (how likely the top guide is acceptable) and how
``classifier.decide`` uses it: a guide outright only when confident enough, short questions
still by the probability alone, other-marketplace posts the model reads as off-topic left off."""

from __future__ import annotations

import random

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


def test_another_marketplace_post_the_model_reads_as_off_topic_gets_no_guide() -> None:
    elsewhere = ["c:" + classifier.ELSEWHERE, "c:refund"]
    invoice = prediction(classifier.OFFTOPIC, 0.7, GA, 0.2, sure=0.9)
    assert classifier.decide(invoice, elsewhere, THRESHOLDS).kind == "offtopic"
    refund = prediction(BCR, 0.5, GA, 0.3, sure=0.3)
    route = classifier.decide(refund, elsewhere, THRESHOLDS)
    assert (route.kind, route.situation, route.elsewhere) == ("situation", GA, True)


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
