"""The core: one object that turns platform-neutral events into answers.

Pure and synchronous (no I/O after loading): adapters and the async service layer pass in
everything a decision needs, such as the member's saved language, and get back
:class:`~bot.core.answer.Answer` values to render.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from bot.core import actions, catalogs, classifier, flow, lexicon, routing, situations
from bot.core.answer import Answer, AnswerKind, Choice, ChoiceKind
from bot.core.language import LanguageChoice, LanguageContext, choose, decide, detect
from bot.core.render import Renderer

log = logging.getLogger(__name__)

MAX_QUESTION = 4096  # characters: a long pasted forum post still fits
LABEL_KEYS = {
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
    "ui.other_marketplace", "ui.also_about", "ui.not_saved", "ui.unhelpful.title",
    "ui.unhelpful.intro", "ui.lang.remembered",
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
    #: The language the question is written in, when its words tell (whatever the answer's
    #: language): a member who saved a language and then resets it is followed from there.
    written_in: str | None = None


class Core:
    """Situations, decision steps, routing, language choice and answer composition."""

    def __init__(
        self,
        cats: catalogs.Catalogs,
        lex: lexicon.Lexicon,
        renderer: Renderer,
        model: classifier.Model,
    ) -> None:
        self.catalogs = cats
        self.lexicon = lex
        self.renderer = renderer
        self.model = model
        self.languages = cats.languages
        self.content_version = _content_version(cats)
        self._answers: dict[tuple[str, str], Answer] = {}
        self._choices: dict[tuple[str, tuple[str, ...]], tuple[Choice, ...]] = {}

    def with_model(self, model: classifier.Model) -> Core:
        """This core answering with another router model (a deployment's retrained one);
        catalogs, lexicons, templates and composed answers are shared."""
        other = copy.copy(self)
        other.model = model
        return other

    # -- language -----------------------------------------------------------------------
    def choose_language(self, text: str | list[str] | None, ctx: LanguageContext) -> LanguageChoice:
        detected = detect(self.lexicon, text, self.languages)[0] if text else None
        return choose(ctx, self.languages, detected)

    def t(self, lang: str, key: str, **params: object) -> str:
        return self.catalogs.gettext(lang, key, **params)

    def _labels(self, lang: str, sources: int = 2) -> dict[str, str]:
        """The templates' labels; "Sources" in the form for ``sources`` documents (its
        catalog plural forms: "Source" for one in English)."""
        labels = {name: self.t(lang, key) for name, key in LABEL_KEYS.items()}
        labels["sources"] = self.catalogs.ngettext(lang, "ui.sources", sources)
        return labels

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
            Choice(actions.situation(lang, r), t(lang, f"{r}.title"), ChoiceKind.SITUATION)
            for r in s.related
        )
        feedback = (
            Choice(
                actions.feedback(lang, s.id, True), t(lang, "ui.helpful.yes"), ChoiceKind.FEEDBACK
            ),
            Choice(
                actions.feedback(lang, s.id, False), t(lang, "ui.helpful.no"), ChoiceKind.FEEDBACK
            ),
        )
        return Answer(
            kind=AnswerKind.SITUATION,
            lang=lang,
            title=t(lang, s.key("title")),
            intro=t(lang, s.key("intro")),
            steps=tuple(t(lang, k) for k in s.step_keys()),
            notes=tuple(t(lang, k) for k in s.note_keys()),
            sources=tuple(t(lang, f"source.{code}") for code in s.sources),
            choices=related,
            feedback=feedback,
            situation=s.id,
            labels=self._labels(lang, len(s.sources)),
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
            kind=AnswerKind(kind),
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
            Choice(actions.walk(lang, ()), self.t(lang, "ui.walk.start"), ChoiceKind.WALK),
        )

    def walk(self, path: tuple[str, ...], lang: str) -> Answer | None:
        """The decision step at ``path``, or the answer it ends at; None if the path is stale."""
        pos = flow.resolve(path)
        if pos is None:
            return None
        if pos.situation is not None:
            answer = self.situation(pos.situation, lang)
            back = Choice(actions.walk(lang, path[:-1]), self.t(lang, "ui.back"), ChoiceKind.BACK)
            return replace(answer, choices=(*answer.choices, back))
        assert pos.node is not None
        node = pos.node
        choices = [
            Choice(
                actions.walk(lang, (*path, o.id)),
                self.t(lang, flow.label_key(node, o)),
                ChoiceKind.WALK,
            )
            for o in node.options
        ]
        if path:
            choices.append(
                Choice(actions.walk(lang, path[:-1]), self.t(lang, "ui.back"), ChoiceKind.BACK)
            )
        return Answer(
            kind=AnswerKind.STEP,
            lang=lang,
            title=self.t(lang, f"flow.{node.text_key}.question"),
            choices=tuple(choices),
            labels=self._labels(lang),
        )

    def notice(self, lang: str, key: str, **params: object) -> Answer:
        return Answer(
            kind=AnswerKind.NOTICE,
            lang=lang,
            title=self.t(lang, key, **params),
            labels=self._labels(lang),
        )

    # -- events -------------------------------------------------------------------------
    def ask(self, text: str, ctx: LanguageContext) -> Reply:
        """Answer a free-text question (at most :data:`MAX_QUESTION` characters)."""
        text = (text or "").strip()
        too_long = len(text) > MAX_QUESTION
        reading = self.lexicon.read(text[:MAX_QUESTION])  # read once for language and routing
        words = reading.words
        written_in = decide(reading.marks, self.languages, reading.n_words)[0] if words else None
        language = choose(ctx, self.languages, written_in)
        lang = language.lang
        if too_long:
            return Reply(
                self.notice(lang, "ui.too_long", max=MAX_QUESTION), None, language, written_in
            )
        if not words:
            return Reply(self.notice(lang, "ui.empty"), None, language)
        asked_help = self.lexicon.help_language(words)
        if asked_help is not None:  # "help", "tolong", "hulp": the menu, in that language
            language = choose(ctx, self.languages, asked_help)
            return Reply(self.situation_menu(language.lang, "help"), None, language, asked_help)
        route = self._route(reading, written_in)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "routed",
                extra={
                    "kind": route.kind,
                    "situation": route.situation,
                    "also": route.also,
                    "elsewhere": route.elsewhere,
                    "confidence": route.confidence,
                    "lang": lang,
                    "lang_reason": language.reason,
                },
            )
        # (How sure the routing was travels in Reply.route, so cached answers are reused as is.)
        return Reply(self._routed(route, lang), route, language, written_in)

    def route(self, text: str) -> routing.Route:
        """Which answer a question needs, without composing it (autocomplete, inline mode)."""
        reading = self.lexicon.read(text[:MAX_QUESTION])
        written_in = decide(reading.marks, self.languages, reading.n_words)[0]
        return self._route(reading, written_in)

    def _route(self, reading: lexicon.Reading, written_in: str | None) -> routing.Route:
        feats = classifier.featurize(self.lexicon, reading, written_in)
        return classifier.decide(
            self.model.predict(feats), feats, self.model.thresholds, reading.n_words
        )

    def _routed(self, route: routing.Route, lang: str) -> Answer:
        """The answer for a route (cached per shape: guides and menus are static)."""
        if route.situation is not None:
            if not (route.also or route.elsewhere):
                return self.situation(route.situation, lang)
            key = (f"guide:{route.situation}:{route.also}:{route.elsewhere}", lang)
            answer = self._answers.get(key)
            if answer is None:
                answer = self._answers[key] = self._guide_for(route, lang)
            return answer
        if route.kind == "unsure":
            answer = self.situation_menu(lang, "unsure")
            if not (route.candidates or route.elsewhere):
                return answer
            key = (f"unsure:{'.'.join(route.candidates)}:{route.elsewhere}", lang)
            cached = self._answers.get(key)
            if cached is None:  # the likeliest first, then the rest
                rest = tuple(s.id for s in situations.SITUATIONS if s.id not in route.candidates)
                ordered = self._situation_choices(lang, route.candidates + rest)
                cached = replace(answer, choices=ordered)
                if route.elsewhere:  # another marketplace or a direct client: say so here too
                    cached = replace(cached, intro=self._elsewhere(lang, cached.intro))
                self._answers[key] = cached
            return cached
        return self.situation_menu(lang, "offtopic")

    def _guide_for(self, route: routing.Route, lang: str) -> Answer:
        """A guide with "Also about: <the second answer>" first among its buttons, and, for
        another marketplace or a direct client, the line saying what the guides cover."""
        assert route.situation is not None
        answer = self.situation(route.situation, lang)
        if route.also:
            also = Choice(
                actions.situation(lang, route.also),
                self.t(lang, "ui.also_about", title=self.t(lang, f"{route.also}.title")),
                ChoiceKind.ALSO,
            )
            related = tuple(c for c in answer.choices if c.token != also.token)
            answer = replace(answer, choices=(also, *related))
        if route.elsewhere:
            answer = replace(answer, intro=self._elsewhere(lang, answer.intro))
        return answer

    def _elsewhere(self, lang: str, intro: str) -> str:
        """``intro`` after the line saying the guides describe the marketplace our sources
        cover (for another marketplace's or a direct client's question)."""
        return f"{self.t(lang, 'ui.other_marketplace')}\n\n{intro}"

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
        if action.verb == "c":
            sid = actions.pick_of(action.arg)[0]
            return self.situation(sid, lang) if situations.get(sid) else self.stale(lang)
        if action.verb == "f":
            sid, vote, _question = actions.vote_of(action.arg)
            if situations.get(sid) and vote == "1":
                return self.notice(lang, "ui.helpful.thanks")
            if situations.get(sid) and vote == "0":
                return self.unhelpful(sid, lang)
        return self.stale(lang)

    def unhelpful(self, situation_id: str, lang: str) -> Answer:
        """After "not helpful" on a guide: the other answers and the decision steps (cached)."""
        key = (f"unhelpful:{situation_id}", lang)
        answer = self._answers.get(key)
        if answer is None:
            others = tuple(s.id for s in situations.SITUATIONS if s.id != situation_id)
            answer = self._answers[key] = Answer(
                kind=AnswerKind.UNHELPFUL,
                lang=lang,
                title=self.t(lang, "ui.unhelpful.title"),
                intro=self.t(lang, "ui.unhelpful.intro"),
                choices=self._situation_choices(lang, others),
                labels=self._labels(lang),
            )
        return answer

    def for_question(self, answer: Answer, question: str) -> Answer:
        """``answer`` to a kept question (its reference, 12 hex digits): the "not sure"
        choices and, after "not helpful", the other answers become picks that carry it, and a
        guide's "not helpful" vote carries it (so the choices it then offers do)."""
        via = {AnswerKind.UNSURE: "u", AnswerKind.UNHELPFUL: "n"}.get(answer.kind)
        if via is not None:
            picks = []
            for c in answer.choices:
                action = actions.parse(c.token)
                if action is not None and action.verb == "s" and situations.get(action.arg):
                    c = c._replace(token=actions.chosen(action.lang, action.arg, via, question))
                picks.append(c)
            return replace(answer, choices=tuple(picks))
        if answer.kind == AnswerKind.SITUATION and answer.situation and answer.feedback:
            no = actions.feedback(answer.lang, answer.situation, False)
            votes = tuple(
                c._replace(token=actions.feedback(answer.lang, answer.situation, False, question))
                if c.token == no else c
                for c in answer.feedback
            )  # fmt: skip
            return replace(answer, feedback=votes)
        return answer

    def stale(self, lang: str) -> Answer:
        menu = self.walk((), lang)
        assert menu is not None
        return replace(menu, kind=AnswerKind.STALE, intro=self.t(lang, "ui.stale"))

    def render(self, answer: Answer, fmt: str) -> list[str]:
        return self.renderer.chunks(answer, fmt)


def _content_version(cats: catalogs.Catalogs) -> str:
    """A short hash of every catalog: changes whenever the guidance text changes."""
    h = hashlib.sha256()
    for lang in cats.languages:
        for k, v in sorted(cats.raw[lang].items()):
            h.update(f"{lang}\0{k}\0{v}\0".encode())
        for k, forms in sorted(cats.plurals.get(lang, {}).items()):
            h.update(f"{lang}\0{k}\0{chr(0).join(forms)}\0".encode())
    return h.hexdigest()[:12]


def build(
    locales: Path | None = None,
    templates: Path | None = None,
    model: Path | None = None,
    router: classifier.Model | None = None,
) -> Core:
    """Load catalogs, lexicons, the router model and templates and return a ready core.

    ``router``: a model already loaded (a deployment's retrained one, from its database)
    instead of the file ``model`` (default ``model/router.json``).
    """
    cats = catalogs.load(locales)
    lex = lexicon.load(cats.directory, cats.languages)
    return Core(cats, lex, Renderer(templates), router or classifier.load(model))


@lru_cache(maxsize=1)
def default_core() -> Core:
    return build()
