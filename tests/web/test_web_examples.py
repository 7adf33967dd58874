"""Suggested examples from members' picks: the question travels in the buttons as a random
reference (no member identity kept); the export is a valid corpus file."""

from __future__ import annotations

import json
from pathlib import Path

from bot.assistant import Assistant, Member, Place
from bot.cli import example_rows
from bot.core import actions, corpus
from bot.core.answer import AnswerKind, ChoiceKind
from bot.core.engine import default_core
from bot.storage.sql import SqlRepository

MEMBER = Member("telegram", "42", "en")
GROUP = Place("telegram", "-100")


async def test_a_pick_among_the_unsure_choices_becomes_a_suggestion(repo: SqlRepository) -> None:
    assistant = Assistant(default_core(), repo)
    answer = await assistant.ask("order problem buyer", MEMBER, GROUP)
    if answer.kind != AnswerKind.UNSURE:  # the router placed it: force the unsure shape
        answer = assistant.core.for_question(
            assistant.core.situation_menu("en", "unsure"), "0123456789ab"
        )
        await repo.keep_asked("0123456789ab", "telegram", "-100", "order problem buyer", "en",
                              None)  # fmt: skip
    pick = next(c for c in answer.choices if c.kind == ChoiceKind.SITUATION)
    assert actions.parse(pick.token).verb == "c"  # type: ignore[union-attr]
    assert len(pick.token.encode()) <= 64
    shown = await assistant.press(pick.token, Member("telegram", "43"), GROUP)
    assert shown.kind == AnswerKind.SITUATION
    (example,) = await repo.list_examples("telegram", "-100")
    assert (example.text, example.source, example.status) == (
        "order problem buyer", "unsure-choice", "suggested",
    )  # fmt: skip
    assert example.answer == shown.situation


async def test_not_helpful_then_another_answer_becomes_a_suggestion(repo: SqlRepository) -> None:
    assistant = Assistant(default_core(), repo)
    guide = await assistant.ask("my buyer wants to cancel the order", MEMBER, GROUP)
    assert guide.kind == AnswerKind.SITUATION
    no = guide.feedback[-1]
    assert actions.vote_of(actions.parse(no.token).arg)[2] is not None  # type: ignore[union-attr]
    others = await assistant.press(no.token, MEMBER, GROUP, answer_ref="-100:5")
    assert others.kind == AnswerKind.UNHELPFUL
    (asked,) = await repo.unhelpful_questions("telegram", "-100")
    assert asked.text == "my buyer wants to cancel the order"
    pick = others.choices[0]
    await assistant.press(pick.token, MEMBER, GROUP)
    (example,) = await repo.list_examples("telegram", "-100")
    assert example.source == "not-helpful-choice" and example.answer != guide.situation
    kept = {k: v for k, v in example.__dict__.items() if not k.endswith("_at")}  # not times
    assert "42" not in json.dumps(kept, default=str)  # no member identity


async def test_the_export_is_a_valid_corpus_file(repo: SqlRepository, tmp_path: Path) -> None:
    await repo.add_example("telegram", "-100", "saldo ga masuk", "id", None, "moderator",
                           "confirmed")  # fmt: skip
    await repo.add_example("discord", "9", "buyer cancelled, my rate?", "en", "completion-rate",
                           "unsure-choice", "confirmed")  # fmt: skip
    path = tmp_path / "community.jsonl"
    rows = example_rows(await repo.list_examples(status="confirmed"))
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    items = corpus.load([path])
    assert {(i.label, i.provenance) for i in items} == {
        (None, "community"), ("completion-rate", "community"),
    }  # fmt: skip
