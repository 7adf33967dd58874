"""Native readers' review of the wording (issue 11, items 11 to 14): each finding, per language.

The facts of the answers come from ../shared/seeds (see its README); these tests pin the facts a
review found missing, and the wording each review asked for, wherever the text occurs.
"""

from __future__ import annotations

import re

import pytest

from bot.core.engine import Core

LANGS = ("en", "id", "nl")


def _messages(core: Core, lang: str, prefix: str = "") -> dict[str, str]:
    return {k: v for k, v in core.catalogs.raw[lang].items() if k.startswith(prefix)}


def _step(core: Core, lang: str, sid: str, n: int) -> str:
    return core.situation(sid, lang).steps[n - 1]


# -- item 14: facts restored from the seeds ----------------------------------------------------

#: (full refund, the marketplace reviews a dispute, and decides) in each language's words.
SELLER_CANCEL_FACTS = {
    "en": ("full refund", "marketplace reviews the case", "final decision"),
    "nl": ("volledige bedrag terug", "bekijkt het platform de zaak", "beslissing"),
    "id": ("refund penuh", "marketplace yang akan meninjau kasusnya", "keputusan akhir"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_seller_cancel_says_full_refund_and_who_decides_a_dispute(core: Core, lang: str) -> None:
    step = _step(core, lang, "seller-cancel", 4)
    refund, reviews, decides = SELLER_CANCEL_FACTS[lang]
    assert refund in step and reviews in step and decides in step
    assert "dispute" in step.lower() or "bezwaar" in step  # ... when the buyer disputes


#: The buyer's cancellation request that starts the ordered-by-mistake route, and the dispute page.
BUYER_STARTS = {
    "en": ("once they have sent the cancellation request", "open the dispute page"),
    "nl": ("heeft die het annuleringsverzoek ingediend", "open dan de geschilpagina"),
    "id": ("setelah dia mengajukan permintaan cancel", "buka halaman dispute"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_ordered_by_mistake_starts_from_the_buyers_request(core: Core, lang: str) -> None:
    answer = core.situation("ordered-by-mistake", lang)
    request, page = BUYER_STARTS[lang]
    first = answer.steps[0]
    assert request in first and page in first
    assert first.index(request) < first.index(page)  # the buyer's request comes first
    when = {
        "en": "once the buyer has sent",
        "nl": "zodra de koper het annuleringsverzoek",
        "id": "begitu buyer udah mengajukan permintaan cancel",
    }[lang]
    assert when in answer.intro
    # the summary in the completion-rate answer starts from the buyer's request too
    summary = _step(core, lang, "completion-rate", 2)
    assert {
        "en": "once the buyer's cancellation request has come in",
        "nl": "zodra het annuleringsverzoek van de koper binnen is",
        "id": "begitu permintaan cancel dari buyer masuk",
    }[lang] in summary


# -- item 13: all three languages ---------------------------------------------------------------

STIFF = {
    "en": "The guide this rests on",
    "nl": "De gids waarop dit steunt",
    "id": "Panduan yang jadi sumbernya",
}
SUPPORT = {"en": "through Customer Support", "nl": "via de Klantenservice", "id": "lewat CS"}


@pytest.mark.parametrize("lang", LANGS)
def test_ordered_by_mistake_says_plainly_it_goes_through_support(core: Core, lang: str) -> None:
    intro = core.situation("ordered-by-mistake", lang).intro
    assert SUPPORT[lang] in intro
    assert not [k for k, v in _messages(core, lang).items() if STIFF[lang] in v]


# -- item 11: Dutch -----------------------------------------------------------------------------


def test_dutch_scope_is_what_the_gig_covers_not_off_duty(core: Core) -> None:
    nl = _messages(core, "nl")
    assert not [k for k, v in nl.items() if "buiten je dienst" in v or "binnen je dienst" in v]
    assert "buiten wat je gig omvat" in _step(core, "nl", "unhappy-with-delivery", 3)


def test_dutch_button_and_last_resort_as_the_marketplace_says_them(core: Core) -> None:
    assert "“NU OPNIEUW LEVEREN”" in _step(core, "nl", "unhappy-with-delivery", 4)
    assert "als laatste redmiddel" in _step(core, "nl", "unhappy-with-delivery", 6)


def test_dutch_says_klantenservice_never_support(core: Core) -> None:
    nl = _messages(core, "nl")
    assert not [k for k, v in nl.items() if re.search(r"\bsupport\b", v, re.IGNORECASE)]
    assert "Klantenservice" in nl["mod.reminder.message"]


def test_dutch_pinning_one_word_in_shared_text_the_platforms_own_in_theirs(core: Core) -> None:
    def words(prefix: str) -> set[str]:
        found = set()
        for v in _messages(core, "nl", prefix).values():
            found |= {
                w
                for w in ("vastzet", "vastgezet", "vastmak", "vastgemaakt", "vastgepind")
                if w in v.lower()
            }
        return found

    assert words("mod.") == {"vastzet", "vastgezet"}  # one word, in all shared text
    assert words("telegram.") <= {"vastzet", "vastgezet"}  # Telegram's own: vastzetten
    assert words("discord.") <= {"vastmak", "vastgemaakt"}  # Discord's own: vastmaken
    assert "vastgepind" not in " ".join(_messages(core, "nl").values()).lower()


def test_dutch_help_article_cited_by_its_dutch_title(core: Core) -> None:
    title = "Wat moet ik doen als mijn koper mijn levering niet goed vindt?"
    assert title in core.t("nl", "source.001")
    assert title in core.render(core.situation("unhappy-with-delivery", "nl"), "text")[-1]


def test_dutch_tevreden_over(core: Core) -> None:
    nl = _messages(core, "nl")
    assert not [k for k, v in nl.items() if re.search(r"tevreden( is)? met\b", v)]
    assert "tevreden is over de afhandeling" in _step(core, "nl", "seller-cancel", 5)


# -- item 12: Indonesian ------------------------------------------------------------------------


def _buttons(core: Core, lang: str) -> list[str]:
    """Every button label the decision steps, guides and menus show."""
    from bot.core.validate import _all_prefixes

    labels = []
    for path in _all_prefixes():
        answer = core.walk(path, lang)
        assert answer is not None
        labels += [c.label for c in answer.buttons]
    for kind in ("help", "unsure", "offtopic"):
        labels += [c.label for c in core.situation_menu(lang, kind).buttons]
    return labels


def test_indonesian_buttons_say_aku_like_the_bot(core: Core) -> None:
    labels = _buttons(core, "id")
    assert labels and not [b for b in labels if re.search(r"\bsaya\b", b, re.IGNORECASE)]
    id_ = _messages(core, "id")
    assert not [k for k, v in id_.items() if re.search(r"\bsaya\b", v, re.IGNORECASE)]


def test_indonesian_keeps_one_casual_register(core: Core) -> None:
    id_ = _messages(core, "id")
    formal = {k: v for k, v in id_.items() if re.search(r"\b(sudah|saja)\b", v, re.IGNORECASE)}
    assert not formal
    joined = " ".join(id_.values())
    assert re.search(r"\budah\b", joined) and re.search(r"\baja\b", joined)


def test_indonesian_reviewed_phrases(core: Core) -> None:
    id_ = _messages(core, "id")
    joined = " ".join(id_.values())
    assert "tawaran dispute" not in joined
    assert not [k for k, v in id_.items() if re.search(r"Jelaskan \w+ dengan jelas", v)]
    assert "pasang ekspektasi" not in joined
    assert "“Redeliver Now”" in _step(core, "id", "unhappy-with-delivery", 4)
    assert "Decline" in _step(core, "id", "ordered-by-mistake", 2)


def test_indonesian_says_cs(core: Core) -> None:
    id_ = _messages(core, "id")
    assert not [k for k, v in id_.items() if re.search(r"customer support|\bsupport\b", v, re.I)]
    assert "ke CS" in _step(core, "id", "ordered-by-mistake", 5)
    assert "hubungi CS" in id_["mod.reminder.message"]
