"""The language order: explicit, question language, platform locale, community default, English."""

from __future__ import annotations

import logging

import pytest

from bot.core.engine import Core
from bot.core.language import LanguageContext, choose, match_locale

AVAILABLE = ("en", "id", "nl")


@pytest.mark.parametrize(
    ("tag", "want"),
    [
        ("en-GB", "en"),
        ("en-US", "en"),
        ("nl-BE", "nl"),
        ("nl_NL", "nl"),
        ("id", "id"),
        ("ID", "id"),
        ("in", "id"),
        ("pt-BR", None),
        ("", None),
        (None, None),
        ("%%%", None),
    ],
)
def test_locale_matching(tag: str | None, want: str | None) -> None:
    assert match_locale(tag, AVAILABLE) == want


def test_explicit_beats_everything() -> None:
    ctx = LanguageContext(
        explicit="nl", saved="id", platform_locale="en-GB", community_default="id"
    )
    assert choose(ctx, AVAILABLE, detected="en").lang == "nl"


def test_saved_preference_beats_question_language() -> None:
    ctx = LanguageContext(saved="id", platform_locale="en-GB")
    assert choose(ctx, AVAILABLE, detected="nl").lang == "id"


def test_question_language_beats_platform_locale() -> None:
    ctx = LanguageContext(platform_locale="en-GB", community_default="en")
    assert choose(ctx, AVAILABLE, detected="nl").lang == "nl"


def test_platform_locale_beats_community_default() -> None:
    ctx = LanguageContext(platform_locale="nl-BE", community_default="id")
    assert choose(ctx, AVAILABLE, detected=None).lang == "nl"


def test_community_choice_beats_platform_locale_but_not_question_language() -> None:
    ctx = LanguageContext(community_choice="id", platform_locale="nl-BE")
    assert choose(ctx, AVAILABLE, detected=None).lang == "id"
    assert choose(ctx, AVAILABLE, detected="en").lang == "en"


def test_community_default_then_english() -> None:
    assert choose(LanguageContext(community_default="id"), AVAILABLE).lang == "id"
    assert choose(LanguageContext(platform_locale="pt-BR"), AVAILABLE).lang == "en"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("my buyer wants to cancel, what do I do?", "en"),
        ("buyer minta cancel gimana gan", "id"),
        ("udh deliver tp buyer minta revisi terus", "id"),
        ("mijn koper wil de bestelling annuleren", "nl"),
        ("wat moet ik doen als de klant niet tevreden is", "nl"),
        # short code-mixed Indonesian: English marketplace words around a few Indonesian ones
        ("buyer salah order", "id"),
        ("buyer ga puas", "id"),
        ("buyer mau batalin order", "id"),
        ("klant heeft geannuleerd", "nl"),
    ],
)
def test_question_language_is_detected(core: Core, question: str, lang: str) -> None:
    reply = core.ask(question, LanguageContext(platform_locale="en-US"))
    assert reply.language.lang == lang
    assert reply.answer.lang == lang


def test_too_few_words_fall_back_to_locale(core: Core) -> None:
    reply = core.ask("cancel order", LanguageContext(platform_locale="nl"))
    assert reply.language.lang == "nl"


def test_reason_is_logged_at_debug(core: Core, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.core.language"):
        core.ask("mijn koper wil annuleren", LanguageContext(platform_locale="en-GB"))
    reasons = [getattr(r, "reason", None) for r in caplog.records]
    assert "question language" in reasons


def test_previous_question_language_carries_a_short_follow_up(core: Core) -> None:
    ctx = LanguageContext(platform_locale="en-US", previous="id")
    assert core.ask("ok", ctx).language == ("id", "previous question")
    # a follow-up that does say its language wins, and a saved preference beats both
    assert core.ask("mijn koper wil annuleren", ctx).language.lang == "nl"
    assert core.ask("ok", ctx._replace(saved="nl")).language.lang == "nl"
