"""Every message in every language, every template in every format, every limit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core import catalogs, situations
from bot.core.engine import Core, build, required_message_ids
from bot.core.validate import problems

LANGS = ("en", "id", "nl")
SIDS = [s.id for s in situations.SITUATIONS]


def test_shipped_content_has_no_problems(core: Core) -> None:
    assert problems(core) == []


def test_three_languages_available(core: Core) -> None:
    assert set(LANGS) <= set(core.languages)


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_exists_and_is_translated(core: Core, lang: str) -> None:
    raw = core.catalogs.raw[lang]
    for key in required_message_ids():
        assert raw.get(key), f"{lang} lacks {key}"
    if lang != "en":
        same = [
            k
            for k in required_message_ids()
            if raw[k] == core.catalogs.raw["en"][k] and not k.startswith("source.")
        ]
        # a few words (e.g. "Tips") may coincide; whole answers may not
        assert len(same) < 5, same


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sid", SIDS)
@pytest.mark.parametrize("fmt", ["discord", "telegram", "text"])
def test_each_situation_renders_in_each_language_and_format(
    core: Core, lang: str, sid: str, fmt: str
) -> None:
    answer = core.situation(sid, lang)
    s = situations.get(sid)
    assert s is not None
    assert len(answer.steps) == s.steps and len(answer.sources) == len(s.sources)
    chunks = core.render(answer, fmt)
    text = "\n".join(chunks)
    limit = {"discord": 2000, "telegram": 4096, "text": 10**6}[fmt]
    assert all(len(c) <= limit for c in chunks)
    # every step is there, numbered, and the sources are named
    for i in range(1, s.steps + 1):
        assert f"{i}." in text
    assert f"{core.catalogs.ngettext(lang, 'ui.sources', len(s.sources))}: " in text
    if fmt == "telegram":
        assert text.startswith("<b>")
    if fmt == "discord":
        assert text.startswith("**")


def test_answers_differ_per_language(core: Core) -> None:
    texts = {lang: core.render(core.situation("seller-cancel", lang), "text")[0] for lang in LANGS}
    assert len(set(texts.values())) == 3
    assert "Oplossingscentrum" in texts["nl"]
    assert "Resolution Center" in texts["en"]


def test_dutch_uses_marketplace_button_names(core: Core) -> None:
    text = core.render(core.situation("unhappy-with-delivery", "nl"), "text")[0]
    assert "Oplossingscentrum" in text
    assert "opnieuw leveren" in text.lower()


def test_indonesian_reads_like_sellers_talk(core: Core) -> None:
    text = core.render(core.situation("buyer-cancel-request", "id"), "text")[0].lower()
    for word in ("buyer", "cancel", "decline", "accept"):
        assert word in text


def _copy_locales(tmp_path: Path) -> Path:
    dst = tmp_path / "locales"
    shutil.copytree(catalogs.default_locales_dir(), dst)
    return dst


def test_check_reports_missing_message(tmp_path: Path) -> None:
    loc = _copy_locales(tmp_path)
    po = loc / "nl" / "LC_MESSAGES" / "sellerbot.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "seller-cancel.step.3"')
    end = text.index("msgid", start + 5)
    po.write_text(text[:start] + text[end:], encoding="utf-8")
    found = problems(build(loc))
    assert any("nl" in p and "seller-cancel.step.3" in p for p in found)


def test_check_reports_placeholder_mismatch(tmp_path: Path) -> None:
    loc = _copy_locales(tmp_path)
    po = loc / "id" / "LC_MESSAGES" / "sellerbot.po"
    text = po.read_text(encoding="utf-8").replace("{max}", "{maks}")
    po.write_text(text, encoding="utf-8")
    found = problems(build(loc))
    assert any("ui.too_long" in p and "placeholders" in p for p in found)


def test_fourth_language_is_catalogs_not_code(tmp_path: Path) -> None:
    loc = _copy_locales(tmp_path)
    shutil.copytree(loc / "en", loc / "de")  # a stand-in catalog: only files, no code
    core4 = build(loc)
    assert "de" in core4.languages
    assert core4.situation("seller-cancel", "de").steps
    assert problems(core4) == []


def test_content_version_changes_with_text(tmp_path: Path, core: Core) -> None:
    loc = _copy_locales(tmp_path)
    po = loc / "en" / "LC_MESSAGES" / "sellerbot.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace("Talk to", "Speak with", 1), encoding="utf-8"
    )
    assert build(loc).content_version != core.content_version


def test_the_reminder_deadline_is_a_fact_of_its_situation() -> None:
    from datetime import timedelta

    from bot.core import situations
    from bot.moderation.reminders import DEADLINE

    offering = [s.id for s in situations.SITUATIONS if s.offers_reminders]
    assert offering == ["buyer-cancel-request"] == [situations.WITH_DEADLINE.id]
    assert timedelta(hours=48) == DEADLINE  # seed 000: accepted automatically after 48 hours
