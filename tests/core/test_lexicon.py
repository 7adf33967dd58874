"""The lexicon's reading of a message: words, sentence breaks, spelling, typo correction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.engine import Core
from bot.core.lexicon import BREAK

ROOT = Path(__file__).resolve().parents[2]


def test_scan_ends_every_sentence_with_a_break(core: Core) -> None:
    words = core.lexicon.scan("Buyer wants to cancel. What now?!\nhelp")
    assert words == ["buyer", "wants", "to", "cancel", BREAK, "what", "now", BREAK, "help", BREAK]


@pytest.mark.parametrize("text", ["costs 3.5 dollars", "e.g the buyer", "wait...what"])
def test_a_dot_inside_a_word_or_number_is_no_sentence_end(core: Core, text: str) -> None:
    assert core.lexicon.scan(text).count(BREAK) == 1


def test_scan_folds_case_accents_apostrophes_and_long_repeats(core: Core) -> None:
    assert core.lexicon.scan("PLISSS don’t Café sooo") == ["pliss", "dont", "cafe", "soo", BREAK]


def test_nothing_to_read_gives_no_words(core: Core) -> None:
    assert core.lexicon.scan("  ... !!! ") == []
    assert core.lexicon.sentences("?!") == []


def test_a_pasted_buyer_message_speaks_for_the_buyer(core: Core) -> None:
    words = core.lexicon.scan("buyer said: I dont need it anymore")
    assert "i" not in words and words.count("buyer") >= 2


@pytest.mark.parametrize("text", [
    "buyer minta cancel gimana gan, udah dikerjain 50%",
    "Mijn koper wil annuleren. Wat nu?",
    "he said: i ordered the wrong package!! can i cancel??",
])  # fmt: skip
def test_tokens_are_the_same_from_text_words_or_sentences(core: Core, text: str) -> None:
    lex = core.lexicon
    from_text = lex.tokens(text)
    assert from_text == lex.tokens(lex.scan(text)) == lex.tokens(lex.sentences(text))
    assert from_text[-1] == BREAK


def test_a_typo_with_two_possible_corrections_gets_the_ranked_one(core: Core) -> None:
    # "emand" is "demand" and Dutch "iemand" with a letter lost; the ranking (same first
    # letter, then length, then spelling) decides, never the order of a set.
    assert set(core.lexicon.deletes["emand"]) >= {"demand", "iemand"}
    assert core.lexicon.canonical("emand") == "demand"


def test_typo_correction_is_the_same_in_every_process() -> None:
    """String hashing differs per process; corrections must not depend on it."""
    probe = (
        "from bot.core.engine import default_core; import json; lex = default_core().lexicon; "
        "print(json.dumps([lex.canonical(w) for w in sorted(lex.deletes)]))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


@pytest.mark.parametrize("text", [
    "buyer minta cancel gimana gan, udah dikerjain 50%",
    "ik ga het annuleren, de koper reageert niet",  # "ga": Dutch "go", Indonesian "not"
    "gw ga mau cancel tp buyer maksa",
    "Mijn koper wil annuleren. Wat nu?",
    "buyer said: I don't need it anymore 😩 what now",
])  # fmt: skip
def test_what_read_looked_up_gives_the_same_tokens_as_a_fresh_analysis(
    core: Core, text: str
) -> None:
    lex = core.lexicon
    reading = lex.read(text)
    assert len(reading.parts) == len(reading.words)
    for lang in (None, *core.languages):
        assert lex.analyse_reading(reading, lang) == lex.analyse(reading.words, lang)


def test_a_word_that_means_different_things_per_language_is_analysed_per_language(
    core: Core,
) -> None:
    lex = core.lexicon
    reading = lex.read("ik ga het annuleren")
    assert None in reading.parts  # "ga" is not shared, so the language decides it
    assert lex.tokens(["ga"], "nl") != lex.tokens(["ga"], "id")


def test_accents_go_and_emoji_stay() -> None:
    from bot.core.lexicon import fold

    assert fold("Café naïve coördinatie ÉCOLE ﬁnish") == "cafe naive coordinatie ecole finish"
    assert fold("done 😩🙏 x\u0301\u0302y") == "done 😩🙏 xy"
