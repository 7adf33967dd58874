"""Answers key the adapters' caches: equal answers must hash alike, different ones apart."""

from __future__ import annotations

from dataclasses import fields, replace

from bot.core.answer import Answer, Choice

BASE = Answer(
    kind="situation",
    lang="en",
    title="T",
    intro="i",
    steps=("a", "b"),
    notes=("n",),
    sources=("s",),
    choices=(Choice("sb1:en:s:x", "X"),),
    feedback=(Choice("f", "F", "feedback"),),
    situation="x",
    community_note=None,
    labels={"sources": "Sources"},
)
OTHER = {
    "kind": "step",
    "lang": "nl",
    "title": "U",
    "intro": "j",
    "steps": ("a",),
    "notes": (),
    "sources": ("t",),
    "choices": (),
    "feedback": (),
    "situation": "y",
    "community_note": "c",
}


def test_equal_answers_hash_alike_and_labels_do_not_count() -> None:
    twin = replace(BASE, labels={})
    assert twin == BASE and twin is not BASE
    assert hash(twin) == hash(BASE)
    assert {BASE: 1}[twin] == 1


def test_every_compared_field_changes_the_hash() -> None:
    compared = [f.name for f in fields(Answer) if f.compare]
    assert sorted(compared) == sorted(OTHER)  # a new field needs a value here, and in __hash__
    for name in compared:
        changed = replace(BASE, **{name: OTHER[name]})
        assert changed != BASE
        assert hash(changed) != hash(BASE), name


def test_copies_get_their_own_hash() -> None:
    first = hash(BASE)
    assert hash(BASE) == first
    copy = replace(BASE, title="V")
    assert hash(copy) != first
    assert hash(replace(copy, title="T")) == first
