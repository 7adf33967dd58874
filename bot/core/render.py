"""Rendering answers with jinja2 templates, and splitting long messages on paragraphs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from cachetools import LRUCache

from bot.core.answer import Answer
from bot.core.escaping import ESCAPERS

FORMATS = ("discord", "telegram", "text")
CACHE_SIZE = 4096
#: Platform limits on one message (Discord message content, Telegram text).
LIMITS = {"discord": 2000, "discord_embed": 4096, "telegram": 4096, "text": 1_000_000}
TEMPLATE_FILES = {
    "discord": "answer.discord.md.j2",
    "telegram": "answer.telegram.html.j2",
    "text": "answer.txt.j2",
}


def default_templates_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "templates"


class Renderer:
    """One jinja2 environment per format; every printed value goes through its escaper."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_templates_dir()
        self._templates: dict[str, jinja2.Template] = {}
        self._cache: LRUCache[tuple[object, ...], list[str]] = LRUCache(CACHE_SIZE)
        for fmt, name in TEMPLATE_FILES.items():
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(self.directory),
                finalize=ESCAPERS[fmt],
                autoescape=False,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
                undefined=jinja2.StrictUndefined,
            )
            self._templates[fmt] = env.get_template(name)

    def render(
        self,
        answer: Answer,
        fmt: str,
        *,
        title: bool = True,
        sources: bool = True,
        choices: bool = False,
    ) -> str:
        """The whole answer as one string in ``fmt`` (discord, telegram or text).

        ``choices`` lists the buttons' labels in the text, for outputs that have no buttons
        (`sellerbot ask`); platforms show them as buttons instead.
        """
        if fmt not in self._templates:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        text = self._templates[fmt].render(
            a=answer,
            labels=answer.labels,
            show_title=title,
            show_sources=sources,
            show_choices=choices,
        )
        return _tidy(text)

    def chunks(self, answer: Answer, fmt: str, limit: int | None = None, **kw: bool) -> list[str]:
        """The answer split into messages that each fit the platform's limit.

        Answers are immutable values and mostly the same few guides, so the result is cached
        (the composed-answer cache: rendering is a good part of a decision step's time).
        """
        # Templates print only these fields, so they identify the output (and hash fast).
        key = (
            answer.kind,
            answer.situation,
            answer.lang,
            answer.title,
            answer.intro,
            answer.community_note,
            len(answer.steps),
            fmt,
            limit,
            tuple(sorted(kw.items())),
            tuple(c.label for c in answer.choices) if kw.get("choices") else (),
        )
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = split_message(
                self.render(answer, fmt, **kw), limit or LIMITS[fmt]
            )
        return list(hit)


def _tidy(text: str) -> str:
    lines = [ln.rstrip() for ln in text.strip().splitlines()]
    out: list[str] = []
    for ln in lines:
        if ln == "" and out and out[-1] == "":
            continue
        out.append(ln)
    return "\n".join(out)


def split_message(text: str, limit: int) -> list[str]:
    """Split on paragraph boundaries (then lines, then sentences, then words); never cut text."""
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    for piece in _pieces(text, limit, ("\n\n", "\n", ". ", " ")):
        if out and len(out[-1]) + len(piece.sep) + len(piece.text) <= limit:
            out[-1] = out[-1] + piece.sep + piece.text
        else:
            out.append(piece.text)
    return [c for c in (c.strip() for c in out) if c]


class _Piece:
    __slots__ = ("sep", "text")

    def __init__(self, text: str, sep: str) -> None:
        self.text, self.sep = text, sep


def _pieces(text: str, limit: int, seps: tuple[str, ...]) -> list[_Piece]:
    if len(text) <= limit:
        return [_Piece(text, seps[0] if seps else "")]
    if not seps:  # one unbroken word longer than the limit: hard split is the only option
        return [_Piece(text[i : i + limit], "") for i in range(0, len(text), limit)]
    sep, rest = seps[0], seps[1:]
    parts = text.split(sep)
    out: list[_Piece] = []
    for i, part in enumerate(parts):
        keep = part + (sep.rstrip() if sep == ". " and i < len(parts) - 1 else "")
        sub = _pieces(keep, limit, rest)
        if sub:
            sub[0] = _Piece(sub[0].text, sep if sep != ". " else " ")
        out += sub
    return out


@lru_cache(maxsize=1)
def default_renderer() -> Renderer:
    return Renderer()
