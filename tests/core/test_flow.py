"""The decision steps: every path ends at an answer, every answer is reachable, back works."""

from __future__ import annotations

import pytest

from bot.core import actions, flow, situations
from bot.core.engine import Core
from bot.core.language import LanguageContext

LANGS = ("en", "id", "nl")


def test_every_path_terminates_and_every_situation_is_reachable() -> None:
    reached = set()
    for path in flow.all_paths():
        pos = flow.resolve(path)
        assert pos is not None and pos.situation is not None
        reached.add(pos.situation)
    assert reached == {s.id for s in situations.SITUATIONS}


def test_walk_from_start_to_answer_and_back(core: Core) -> None:
    ctx = LanguageContext()
    step = core.walk((), "en")
    assert step is not None and step.kind == "step"
    assert not any(c.kind == "back" for c in step.choices)  # nothing to go back to
    buyer = next(c for c in step.choices if c.token.endswith(":w:buyer"))
    why = core.act(buyer.token, ctx)
    assert why.kind == "step" and why.title == core.t("en", "flow.why.question")
    mistake = next(c for c in why.choices if c.token.endswith("buyer.mistake"))
    answer = core.act(mistake.token, ctx)
    assert answer.kind == "situation" and answer.situation == "ordered-by-mistake"
    back = next(c for c in answer.choices if c.kind == "back")
    again = core.act(back.token, ctx)
    assert again.title == why.title and again.choices == why.choices


@pytest.mark.parametrize("lang", LANGS)
def test_paths_reach_expected_situations(core: Core, lang: str) -> None:
    expected = {
        ("me",): "seller-cancel",
        ("buyer", "mistake"): "ordered-by-mistake",
        ("buyer", "other"): "buyer-cancel-request",
        ("buyer", "unhappy", "yes", "yes"): "unhappy-with-delivery",
        # the buyer wants out because they are unhappy: accepting their request ends it
        ("buyer", "unhappy", "yes", "no"): "buyer-cancel-request",
        ("buyer", "unhappy", "no"): "buyer-cancel-request",
        ("unhappy", "yes", "yes"): "unhappy-with-delivery",
        ("unhappy", "yes", "no"): "seller-cancel",
        # unhappy before delivery, no cancellation asked for: still a revision conversation
        ("unhappy", "no"): "unhappy-with-delivery",
        ("stats",): "completion-rate",
        ("other",): "general-advice",
    }
    for path, sid in expected.items():
        answer = core.act(actions.walk(lang, path), LanguageContext())
        assert answer.situation == sid and answer.lang == lang


@pytest.mark.parametrize("lang", LANGS)
def test_every_token_fits_telegram_and_discord(core: Core, lang: str) -> None:
    for path in flow.all_paths():
        for i in range(len(path) + 1):
            answer = core.walk(path[:i], lang)
            assert answer is not None
            for choice in answer.buttons:
                assert len(choice.token.encode()) <= 64  # Telegram callback_data
                assert len(choice.token) <= 100  # Discord custom_id
                assert len(choice.label) <= 80  # Discord button label


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "sb1:en:w:buyer.nonsense",
        "sb1:en:w:me.extra",
        "sb1:xx:s:seller-cancel",
        "sb1:en:s:no-such-situation",
        "sb1:en:f:seller-cancel.7",
        "sb0:en:w:",
        "sb1:en:w:" + "a" * 80,
        "sb1:en:z:",
        "sb1:en:w:buyer\n",
        "sb1:en:w:<script>",
    ],
)
def test_stale_or_forged_tokens_get_a_fresh_menu(core: Core, token: str) -> None:
    answer = core.act(token, LanguageContext())
    assert answer.kind == "stale"
    assert answer.intro == core.t(answer.lang, "ui.stale")
    assert answer.choices  # a fresh start menu


def test_walk_continues_in_the_tokens_language(core: Core) -> None:
    answer = core.act(actions.walk("nl", ("buyer",)), LanguageContext(saved="en"))
    assert answer.lang == "nl" and answer.title == core.t("nl", "flow.why.question")


def test_mermaid_graph_names_every_node_and_situation() -> None:
    text = flow.mermaid()
    assert text.startswith("flowchart TD")
    for node in flow.NODES:
        assert node in text
    for s in situations.SITUATIONS:
        assert s.id in text


@pytest.mark.parametrize("lang", LANGS)
def test_one_title_per_answer(core: Core, lang: str) -> None:
    """An answer is called the same in the first step, every menu and related button, and on
    the guide itself."""
    t = core.t
    title = {s.id: t(lang, f"{s.id}.title") for s in situations.SITUATIONS}
    first = core.walk((), lang)
    assert first is not None
    for option, choice in zip(flow.NODES[flow.START].options, first.choices, strict=True):
        if option.names is not None:
            assert choice.label == title[option.names]
            assert core.situation(option.names, lang).title == choice.label
    menus = [core.situation_menu(lang, kind) for kind in ("help", "unsure", "offtopic")]
    menus += [core.situation(sid, lang) for sid in title]
    menus += [core.unhelpful(sid, lang) for sid in title]
    for menu in menus:
        for choice in menu.choices:
            action = actions.parse(choice.token)
            if action is not None and action.verb == "s":
                assert choice.label == title[action.arg], (menu.kind, choice)
                assert core.act(choice.token, LanguageContext()).title == choice.label


def test_a_choice_names_only_the_answer_it_leads_to() -> None:
    for node in flow.NODES.values():
        for option in node.options:
            if option.names is not None:
                assert situations.get(option.names) is not None
                assert option.situation in (None, option.names)


@pytest.mark.parametrize("lang", LANGS)
def test_not_helpful_offers_the_other_answers_and_the_steps(core: Core, lang: str) -> None:
    ctx = LanguageContext()
    for s in situations.SITUATIONS:
        thanks = core.act(actions.feedback(lang, s.id, True), ctx)
        assert thanks.kind == "notice" and thanks.title == core.t(lang, "ui.helpful.thanks")
        offer = core.act(actions.feedback(lang, s.id, False), ctx)
        assert offer.kind == "unhelpful" and offer.lang == lang
        assert offer.title == core.t(lang, "ui.unhelpful.title")
        assert [c.token for c in offer.choices] == [
            *(actions.situation(lang, o.id) for o in situations.SITUATIONS if o.id != s.id),
            actions.walk(lang, ()),
        ]
