"""The one situation matcher: ids and their starts, titles with typos, words in no title."""

from __future__ import annotations

import pytest

from bot.core import matching, situations
from bot.core.engine import Core


@pytest.mark.parametrize(("word", "sid"), [
    ("seller-cancel", "seller-cancel"), (" Seller ", "seller-cancel"),
    ("buyer", "buyer-cancel-request"), ("co", "completion-rate"), ("", None),
    ("nonsense", None), ("s", "seller-cancel"), ("u", "unhappy-with-delivery"),
])  # fmt: skip
def test_ids_and_their_unique_starts(word: str, sid: str | None) -> None:
    assert matching.by_id(word) == sid


@pytest.mark.parametrize(("lang", "typed", "first"), [
    ("en", "mistake", "ordered-by-mistake"),
    ("en", "late delivery", "unhappy-with-delivery"),
    ("id", "salah pesan", "ordered-by-mistake"),
    ("nl", "per ongeluk", "ordered-by-mistake"),
    ("nl", "ontevreden", "unhappy-with-delivery"),  # in no title: the router helps
    ("en", "completion", "completion-rate"),
])  # fmt: skip
def test_titles_match_in_the_readers_language(
    core: Core, lang: str, typed: str, first: str
) -> None:
    ranked = matching.rank(core, lang, typed)
    assert ranked[0] == (first, core.t(lang, f"{first}.title"))
    assert matching.resolve(core, lang, typed) == first


def test_a_typo_still_finds_the_cancelling_answers(core: Core) -> None:
    ranked = [sid for sid, _ in matching.rank(core, "en", "cancle")]
    assert {"buyer-cancel-request", "seller-cancel"} <= set(ranked[:3])


def test_nothing_typed_lists_every_situation_and_nonsense_none(core: Core) -> None:
    assert [sid for sid, _ in matching.rank(core, "nl", "")] == [
        s.id for s in situations.SITUATIONS
    ]
    assert matching.rank(core, "en", "zzzz qqqq") == ()
    assert matching.resolve(core, "en", "zzzz qqqq") is None
    assert matching.resolve(core, "en", "  ") is None
