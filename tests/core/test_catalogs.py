"""Catalog machinery: plural forms (gettext ngettext via Babel) and language names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core import catalogs, situations
from bot.core.engine import Core, build
from bot.core.validate import problems

ONE_SOURCE = [s.id for s in situations.SITUATIONS if len(s.sources) == 1]
SEVERAL_SOURCES = [s.id for s in situations.SITUATIONS if len(s.sources) > 1]
#: The label before the sources, for one source and for several.
SOURCES_LABEL = {"en": ("Source", "Sources"), "nl": ("Bron", "Bronnen"), "id": ("Sumber", "Sumber")}


def test_there_are_answers_with_one_source_and_with_several() -> None:
    assert ONE_SOURCE == ["ordered-by-mistake"] and SEVERAL_SOURCES


@pytest.mark.parametrize("lang", ["en", "nl", "id"])
def test_ngettext_picks_the_form_for_the_number(core: Core, lang: str) -> None:
    one, more = SOURCES_LABEL[lang]
    assert core.catalogs.ngettext(lang, "ui.sources", 1) == one
    assert [core.catalogs.ngettext(lang, "ui.sources", n) for n in (0, 2, 5)] == [more] * 3


@pytest.mark.parametrize("lang", ["en", "nl", "id"])
@pytest.mark.parametrize("fmt", ["text", "telegram", "discord"])
def test_one_source_is_labelled_in_the_singular(core: Core, lang: str, fmt: str) -> None:
    one, more = SOURCES_LABEL[lang]
    for sid in ONE_SOURCE:
        text = "\n".join(core.render(core.situation(sid, lang), fmt))
        assert f"{one}: " in text
        if one != more:
            assert f"{more}:" not in text
    for sid in SEVERAL_SOURCES:
        assert f"{more}: " in "\n".join(core.render(core.situation(sid, lang), fmt))


def test_a_catalog_without_the_plural_message_falls_back_to_english(tmp_path: Path) -> None:
    loc = tmp_path / "locales"
    shutil.copytree(catalogs.default_locales_dir(), loc)
    po = loc / "nl" / "LC_MESSAGES" / "sellerbot.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('msgid "ui.sources"')
    po.write_text(text[:start] + text[text.index("msgid", start + 30) :], encoding="utf-8")
    core = build(loc)
    assert core.catalogs.ngettext("nl", "ui.sources", 1) == "Source"
    assert any("nl" in p and "ui.sources" in p for p in problems(core))


def _replace_in_catalog(tmp_path: Path, lang: str, old: str, new: str) -> Core:
    loc = tmp_path / "locales"
    shutil.copytree(catalogs.default_locales_dir(), loc)
    po = loc / lang / "LC_MESSAGES" / "sellerbot.po"
    text = po.read_text(encoding="utf-8")
    assert old in text
    po.write_text(text.replace(old, new), encoding="utf-8")
    return build(loc)


def test_check_reports_a_missing_plural_form(tmp_path: Path) -> None:
    core = _replace_in_catalog(tmp_path, "nl", 'msgstr[1] "Bronnen"\n', "")
    assert any("nl" in p and "ui.sources" in p and "plural forms" in p for p in problems(core))


def test_check_reports_a_plural_message_written_without_plural_forms(tmp_path: Path) -> None:
    core = _replace_in_catalog(
        tmp_path,
        "nl",
        'msgid_plural "ui.sources"\nmsgstr[0] "Bron"\nmsgstr[1] "Bronnen"\n',
        'msgstr "Bronnen"\n',
    )
    assert any("nl" in p and "ui.sources" in p and "msgid_plural" in p for p in problems(core))


def test_content_version_covers_every_plural_form(tmp_path: Path, core: Core) -> None:
    changed = _replace_in_catalog(tmp_path, "en", 'msgstr[1] "Sources"', 'msgstr[1] "Sources used"')
    assert changed.content_version != core.content_version


@pytest.mark.parametrize(
    ("reader", "names"),
    [
        ("nl", ["Engels", "Nederlands", "Indonesisch"]),
        ("en", ["English", "Dutch", "Indonesian"]),
        ("id", ["Inggris", "Belanda", "Indonesia"]),
    ],
)
def test_language_names_are_in_the_readers_language(
    core: Core, reader: str, names: list[str]
) -> None:
    assert [core.catalogs.language_name(code, reader) for code in ("en", "nl", "id")] == names


def test_where_a_language_is_picked_it_also_has_its_own_name(core: Core) -> None:
    label = core.catalogs.language_label
    assert [label(code, "en") for code in core.languages] == [
        "English",
        "Indonesia (Indonesian)",
        "Nederlands (Dutch)",
    ]
    assert [label(code, "nl") for code in core.languages] == [
        "English (Engels)",
        "Indonesia (Indonesisch)",
        "Nederlands",
    ]
    assert [label(code, "id") for code in core.languages] == [
        "English (Inggris)",
        "Indonesia",
        "Nederlands (Belanda)",
    ]
