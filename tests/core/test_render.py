"""Escaping for each format, and splitting long answers on paragraph boundaries."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.core.engine import Core
from bot.core.escaping import discord_markdown, telegram_html
from bot.core.render import split_message

NASTY = "<b>x</b> & @everyone <@123> **bold** _it_ `code` [link](http://e.x) > quote # h"
TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def test_telegram_html_escapes_member_text() -> None:
    out = telegram_html(NASTY)
    assert "<" not in out and ">" not in out
    assert "&lt;b&gt;x&lt;/b&gt; &amp; " in out


def test_discord_markdown_escapes_member_text_and_mentions() -> None:
    out = discord_markdown(NASTY)
    assert "@everyone" not in out  # broken with a zero-width space
    assert "\\*\\*bold\\*\\*" in out and "\\_it\\_" in out and "\\`code\\`" in out
    assert "\\[link\\]" in out


@pytest.mark.parametrize("lang", ["en", "id", "nl"])
def test_community_note_is_escaped_in_every_format(core: Core, lang: str) -> None:
    answer = core.situation("buyer-cancel-request", lang, community_note=NASTY)
    tg = "\n".join(core.render(answer, "telegram"))
    parser = _Tags()
    parser.feed(tg)
    assert not parser.stack and set(parser.seen) <= TELEGRAM_TAGS
    assert "&lt;b&gt;x&lt;/b&gt;" in tg
    dc = "\n".join(core.render(answer, "discord"))
    assert "@everyone" not in dc and "\\*\\*bold\\*\\*" in dc
    txt = "\n".join(core.render(answer, "text"))
    assert NASTY in txt  # plain text shows it as typed


def test_situation_html_is_valid_telegram_markup(core: Core) -> None:
    for lang in core.languages:
        for sid in ("buyer-cancel-request", "unhappy-with-delivery"):
            parser = _Tags()
            parser.feed("\n".join(core.render(core.situation(sid, lang), "telegram")))
            assert not parser.stack and set(parser.seen) <= TELEGRAM_TAGS


def test_split_keeps_every_word_and_breaks_on_paragraphs() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 50 for i in range(40)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    chunks = split_message(text, 2000)
    assert len(chunks) > 1
    assert all(len(c) <= 2000 for c in chunks)
    assert all(c.startswith("Paragraph") for c in chunks)  # no paragraph was cut in two
    assert re.sub(r"\s+", " ", " ".join(chunks)) == re.sub(r"\s+", " ", text)


def test_split_falls_back_to_sentences_then_words() -> None:
    long_paragraph = " ".join(f"Sentence number {i} is here." for i in range(300))
    chunks = split_message(long_paragraph, 500)
    assert all(len(c) <= 500 for c in chunks)
    assert " ".join(chunks).split() == long_paragraph.split()
    unbroken = "x" * 1200
    assert "".join(split_message(unbroken, 500)) == unbroken


def test_short_text_is_one_chunk() -> None:
    assert split_message("hello", 10) == ["hello"]


def test_long_community_note_is_split_not_cut(core: Core) -> None:
    note = " ".join(["Post disputes in the help desk channel first."] * 60)
    chunks = core.render(core.situation("seller-cancel", "nl", community_note=note), "discord")
    assert len(chunks) > 1 and all(len(c) <= 2000 for c in chunks)
    assert "".join(chunks).count("help desk") == 60
