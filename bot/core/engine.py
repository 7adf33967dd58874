"""The core: one object that turns platform-neutral events into answers.

Pure and synchronous (no I/O after loading): adapters and the async service layer pass in
everything a decision needs, such as the member's saved language, and get back
:class:`~bot.core.answer.Answer` values to render.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.core import actions, catalogs, flow, lexicon, routing, situations
from bot.core.answer import Answer, Choice
from bot.core.language import LanguageChoice, LanguageContext, choose, decide, detect
from bot.core.render import Renderer

log = logging.getLogger(__name__)

MAX_QUESTION = 2000
LABEL_KEYS = {
    "sources": "ui.sources",
    "community_note": "ui.community_note",
    "helpful": "ui.helpful.question",
    "related": "ui.related",
}
UI_KEYS = (
    "ui.sources", "ui.back", "ui.restart", "ui.related", "ui.walk.start", "ui.helpful.question",
    "ui.helpful.yes", "ui.helpful.no", "ui.helpful.thanks", "ui.unsure.title", "ui.unsure.intro",
    "ui.offtopic.title", "ui.offtopic.intro", "ui.empty", "ui.too_long", "ui.stale",
    "ui.help.title", "ui.help.intro", "ui.situations.title", "ui.lang.current", "ui.lang.saved",
    "ui.lang.reset", "ui.lang.unknown", "ui.lang.choose", "ui.community_note",
    "ui.console.welcome", "ui.console.hint", "ui.console.invalid", "ui.console.bye",
)  # fmt: skip


def required_message_ids() -> list[str]:
    """Every message id the bot uses: situations, decision steps and interface text."""
    return situations.message_ids() + flow.message_ids() + list(UI_KEYS)


@dataclass(frozen=True)
class Reply:
    """A routed question: the answer, plus what the service layer records about it."""

    answer: Answer
    route: routing.Route | None
    language: LanguageChoice


class Core:
    """Situations, decision steps, routing, language choice and answer composition."""

    def __init__(
        self,
        cats: catalogs.Catalogs,
        lex: lexicon.Lexicon,
        renderer: Renderer,
    ) -> None:
        self.catalogs = cats
        self.lexicon = lex
        self.renderer = renderer
        self.languages = cats.languages
        self.content_version = _content_version(cats)
        self._answers: dict[tuple[str, str], Answer] = {}
        self._choices: dict[tuple[str, tuple[str, ...]], tuple[Choice, ...]] = {}

    # -- language -----------------------------------------------------------------------
    def choose_language(
        self, text: str | list[str] | None, ctx: LanguageContext
    ) -> LanguageChoice:
        detected = detect(self.lexicon, text, self.languages)[0] if text else None
        return choose(ctx, self.languages, detected)

    def t(self, lang: str, key: str, **params: object) -> str:
        return self.catalogs.gettext(lang, key, **params)

    def _labels(self, lang: str) -> dict[str, str]:
        return {name: self.t(lang, key) for name, key in LABEL_KEYS.items()}

    # -- answers ------------------------------------------------------------------------
    def situation(self, situation_id: str, lang: str, community_note: str | None = None) -> Answer:
        """The guide for one situation (cached: content is static)."""
        key = (situation_id, lang)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._compose(situation_id, lang)
            self._answers[key] = answer
        return replace(answer, community_note=community_note) if community_note else answer

    def _compose(self, situation_id: str, lang: str) -> Answer:
        s = situations.get(situation_id)
        if s is None:
            raise KeyError(situation_id)
        t = self.t
        related = tuple(
            Choice(actions.situation(lang, r), t(lang, f"{r}.title"), "situation")
            for r in s.related
        )
        feedback = (
            Choice(actions.feedback(lang, s.id, True), t(lang, "ui.helpful.yes"), "feedback"),
            Choice(actions.feedback(lang, s.id, False), t(lang, "ui.helpful.no"), "feedback"),
        )
        return Answer(
            kind="situation",
            lang=lang,
            title=t(lang, s.key("title")),
            intro=t(lang, s.key("intro")),
            steps=tuple(t(lang, k) for k in s.step_keys()),
            notes=tuple(t(lang, k) for k in s.note_keys()),
            sources=tuple(t(lang, f"source.{code}") for code in s.sources),
            choices=related,
            feedback=feedback,
            situation=s.id,
            labels=self._labels(lang),
        )

    def situation_menu(self, lang: str, kind: str = "help") -> Answer:
        """The situations as choices, plus a way into the decision steps (cached)."""
        key = (f"menu:{kind}", lang)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._situation_menu(lang, kind)
            self._answers[key] = answer
        return answer

    def _situation_menu(self, lang: str, kind: str) -> Answer:
        titles = {"help": ("ui.help.title", "ui.help.intro"),
                  "unsure": ("ui.unsure.title", "ui.unsure.intro"),
                  "offtopic": ("ui.offtopic.title", "ui.offtopic.intro"),
                  "situations": ("ui.situations.title", "")}[kind]  # fmt: skip
        return Answer(
            kind=kind,
            lang=lang,
            title=self.t(lang, titles[0]),
            intro=self.t(lang, titles[1]) if titles[1] else "",
            choices=self._situation_choices(lang),
            labels=self._labels(lang),
        )

    def _situation_choices(self, lang: str, only: tuple[str, ...] = ()) -> tuple[Choice, ...]:
        key = (lang, only)
        hit = self._choices.get(key)
        if hit is None:
            hit = self._choices[key] = self._compose_choices(lang, only)
        return hit

    def _compose_choices(self, lang: str, only: tuple[str, ...]) -> tuple[Choice, ...]:
        ids = only or tuple(s.id for s in situations.SITUATIONS)
        return (
            *(Choice(actions.situation(lang, sid), self.t(lang, f"{sid}.title")) for sid in ids),
            Choice(actions.walk(lang, ()), self.t(lang, "ui.walk.start"), "walk"),
        )

    def walk(self, path: tuple[str, ...], lang: str) -> Answer | None:
        """The decision step at ``path``, or the answer it ends at; None if the path is stale."""
        pos = flow.resolve(path)
        if pos is None:
            return None
        if pos.situation is not None:
            answer = self.situation(pos.situation, lang)
            back = Choice(actions.walk(lang, path[:-1]), self.t(lang, "ui.back"), "back")
            return replace(answer, choices=(*answer.choices, back))
        assert pos.node is not None
        node = pos.node
        choices = [
            Choice(actions.walk(lang, (*path, o.id)), self.t(lang, f"flow.{node.id}.{o.id}"),
                   "walk")
            for o in node.options
        ]
        if path:
            choices.append(Choice(actions.walk(lang, path[:-1]), self.t(lang, "ui.back"), "back"))
        return Answer(
            kind="step",
            lang=lang,
            title=self.t(lang, f"flow.{node.id}.question"),
            choices=tuple(choices),
            labels=self._labels(lang),
        )

    def notice(self, lang: str, key: str, **params: object) -> Answer:
        return Answer(kind="notice", lang=lang, title=self.t(lang, key, **params),
                      labels=self._labels(lang))

    # -- events -------------------------------------------------------------------------
    def ask(self, text: str, ctx: LanguageContext) -> Reply:
        """Answer a free-text question."""
        text = (text or "").strip()
        if len(text) > MAX_QUESTION:
            fallback = self.choose_language(None, ctx)
            notice = self.notice(fallback.lang, "ui.too_long", max=MAX_QUESTION)
            return Reply(notice, None, fallback)
        reading = self.lexicon.read(text)  # read once for language and routing
        words = reading.words
        written_in = decide(reading.marks, self.languages, reading.n_words)[0] if words else None
        language = choose(ctx, self.languages, written_in)
        lang = language.lang
        if not words:
            return Reply(self.notice(lang, "ui.empty"), None, language)
        route = routing.route(self.lexicon, words, written_in,
                              self.lexicon.analyse_reading(reading, written_in))
        if log.isEnabledFor(logging.DEBUG):
            log.debug("routed", extra={"kind": route.kind, "situation": route.situation,
                                       "confidence": route.confidence, "lang": lang,
                                       "lang_reason": language.reason})
        # (How sure the routing was travels in Reply.route, so cached answers are reused as is.)
        if route.situation is not None:
            answer = self.situation(route.situation, lang)
        elif route.kind == "unsure":
            answer = self.situation_menu(lang, "unsure")
            if route.candidates:  # the likeliest first, then the rest
                rest = tuple(s.id for s in situations.SITUATIONS if s.id not in route.candidates)
                key = (f"unsure:{'.'.join(route.candidates)}", lang)
                cached = self._answers.get(key)
                if cached is None:
                    ordered = self._situation_choices(lang, route.candidates + rest)
                    cached = self._answers[key] = replace(answer, choices=ordered)
                answer = cached
        else:
            answer = self.situation_menu(lang, "offtopic")
        return Reply(answer, route, language)

    def act(self, token: str, ctx: LanguageContext) -> Answer:
        """Answer a button press. A stale or forged token gets a notice and a fresh menu."""
        action = actions.parse(token)
        lang = self.choose_language(None, ctx).lang
        if action is None or action.lang not in self.languages:
            return self.stale(lang)
        lang = action.lang
        if action.verb == "w":
            answer = self.walk(actions.walk_path(action.arg), lang)
            return answer if answer is not None else self.stale(lang)
        if action.verb == "s" and situations.get(action.arg):
            return self.situation(action.arg, lang)
        if action.verb == "h":
            return self.situation_menu(lang, "help")
        if action.verb == "f":
            sid, _, vote = action.arg.rpartition(".")
            if situations.get(sid) and vote in ("0", "1"):
                return self.notice(lang, "ui.helpful.thanks")
        return self.stale(lang)

    def stale(self, lang: str) -> Answer:
        menu = self.walk((), lang)
        assert menu is not None
        return replace(menu, kind="stale", intro=self.t(lang, "ui.stale"))

    def render(self, answer: Answer, fmt: str) -> list[str]:
        return self.renderer.chunks(answer, fmt)


def _content_version(cats: catalogs.Catalogs) -> str:
    """A short hash of every catalog: changes whenever the guidance text changes."""
    h = hashlib.sha256()
    for lang in cats.languages:
        for k, v in sorted(cats.raw[lang].items()):
            h.update(f"{lang}\0{k}\0{v}\0".encode())
    return h.hexdigest()[:12]


def build(locales: Path | None = None, templates: Path | None = None) -> Core:
    """Load catalogs, lexicons and templates and return a ready core."""
    cats = catalogs.load(locales)
    lex = lexicon.load(cats.directory, cats.languages)
    return Core(cats, lex, Renderer(templates))


@lru_cache(maxsize=1)
def default_core() -> Core:
    return build()
