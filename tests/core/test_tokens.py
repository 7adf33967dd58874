"""The one registry of button-token families: every family round-trips, nothing else parses."""

from __future__ import annotations

import pytest

from bot.core import tokens

EXAMPLES = {
    "walk": {"lang": "en", "path": "who.buyer"},
    "situation": {"lang": "nl", "situation": "seller-cancel"},
    "feedback": {"lang": "id", "vote": "seller-cancel.1"},
    "help": {"lang": "en", "rest": ""},
    "chosen": {"lang": "id", "pick": "seller-cancel.u.0123456789ab"},
    "remind": {"lang": "en", "hours": "12", "at": "1700000000"},
    "cancel": {"lang": "en", "reminder": "42"},
    "moderator": {"lang": "nl", "op": "pin-rm", "arg": ".5001"},
    "my-language": {"code": "auto"},
    "pin-pick": {"situation": "seller-cancel", "lang": "id"},
    "group-language": {"code": "nl"},
    "share": {"token": "sb1:en:s:seller-cancel"},
    "menu": {},
    "pin-menu": {"lang": "nl"},
    "note-edit": {"situation": "seller-cancel"},
    "note-form": {"situation": "seller-cancel"},
}


def test_every_family_has_an_example() -> None:
    assert set(EXAMPLES) == set(tokens.FAMILIES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_family_round_trips_with_its_named_fields(name: str) -> None:
    token = tokens.FAMILIES[name].build(**EXAMPLES[name])
    found = tokens.parse(token)
    assert found is not None and found.family == name
    assert dict(found.fields) == EXAMPLES[name]
    assert tokens.parse(token, name) == found
    others = [n for n in tokens.FAMILIES if n != name]
    assert tokens.parse(token, *others) is None  # no token belongs to two families


@pytest.mark.parametrize("forged", [
    None, "", "sb1:en:q:x", "sb1:EN:s:x", "sb1:en:r:12.99999999999999",
    "sb1:en:m:drop-tables.x", "tg1:pin:seller-cancel", "tg1:glang:nl:en",
    "sb1:en:s:" + "a" * 60, "sbd1:share:" + "x" * 95, "sb1:en:s:x\n",
])  # fmt: skip
def test_malformed_forged_or_too_long_tokens_parse_to_none(forged: str | None) -> None:
    assert tokens.parse(forged) is None


def test_a_token_that_would_not_parse_back_is_refused() -> None:
    with pytest.raises(ValueError):
        tokens.REMIND.build(lang="en", hours=1234, at=1)
    with pytest.raises(ValueError):
        tokens.SHOW.build(lang="en", situation="x" * 60)  # over Telegram's 64 bytes


def test_the_registry_refuses_a_second_family_of_a_name_and_a_field_without_pattern() -> None:
    with pytest.raises(ValueError):
        tokens.register("walk", "sb1:{lang}:w:{path}", lang="x", path="y")
    with pytest.raises(ValueError):
        tokens.register("new-family", "zz1:{what}")
    assert "new-family" not in tokens.FAMILIES
