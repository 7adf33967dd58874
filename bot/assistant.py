"""The async service layer between adapters and the core: language preferences, storage.

Adapters call these methods with platform-neutral members and places and render what they
get back; the core itself stays pure and synchronous.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from bot import metrics
from bot.core import actions
from bot.core.answer import Answer, AnswerKind
from bot.core.engine import Core
from bot.core.language import LanguageContext, match_locale
from bot.core.unicode import clean
from bot.moderation.notes import with_community_note
from bot.storage import Repository
from bot.storage.errors import StorageError

if TYPE_CHECKING:
    from bot.moderation.surface import PinSurface

log = logging.getLogger(__name__)

#: Private conversations whose last question's language is remembered (least recent dropped).
RECENT_CONVERSATIONS = 10_000
#: Days a question whose answer offered choices is kept for the member's pick (then forgotten).
KEEP_ASKED_DAYS = 14
#: Seconds between two clean-ups of the questions kept longer than that.
FORGET_EVERY = 3600.0


class Member(NamedTuple):
    """Who is asking. ``locale`` is the platform's hint (language_code, interaction.locale).

    (Members, places and language contexts are made for every message: tuples are cheapest.)
    """

    platform: str
    user_id: str
    locale: str | None = None


class Place(NamedTuple):
    """Where: a Discord server or Telegram group (``chat_id``), or None for a private chat."""

    platform: str
    chat_id: str | None = None


class Assistant:
    """Everything an adapter needs, in one object."""

    def __init__(self, core: Core, repo: Repository, default_lang: str | None = None) -> None:
        self.core = core
        self.repo = repo
        self.default_lang = default_lang
        # (platform, user id) -> language of their last question in a private chat; in memory
        # only: it carries a conversation, not a preference (that is stored)
        self._recent: OrderedDict[tuple[str, str], str] = OrderedDict()
        #: The dashboard's public address (``SELLERBOT_WEB_URL``), where it is configured:
        #: moderators' ``/dashboard`` links point there.
        self.dashboard_url: str | None = None
        #: Per platform, the adapter's in-place edit of one community's pinned answers
        #: (``chat id -> edit``), registered by a running adapter: the dashboard refreshes
        #: pins through it.
        self.pin_surfaces: dict[str, Callable[[str], PinSurface]] = {}
        self._forgotten_at = 0.0

    async def context(
        self, member: Member, place: Place, explicit: str | None = None
    ) -> LanguageContext:
        saved = await self.repo.get_member_language(member.platform, member.user_id)
        community = None
        if place.chat_id is not None:
            settings = await self.repo.get_community(place.platform, place.chat_id)
            community = settings.default_lang if settings else None
        return LanguageContext(
            explicit=explicit,
            saved=saved,
            community_choice=community,
            platform_locale=member.locale,
            community_default=self.default_lang,
            previous=self._recent.get((member.platform, member.user_id))
            if place.chat_id is None
            else None,
        )

    def _remember(self, member: Member, lang: str) -> None:
        key = (member.platform, member.user_id)
        self._recent[key] = lang
        self._recent.move_to_end(key)
        if len(self._recent) > RECENT_CONVERSATIONS:
            self._recent.popitem(last=False)

    async def language(self, member: Member, place: Place, text: str | None = None) -> str:
        ctx = await self.context(member, place)
        return self.core.choose_language(text, ctx).lang

    async def _in_community(self, answer: Answer, place: Place) -> Answer:
        """Attach the community's own note (e.g. "post disputes in #help-desk") to a guide."""
        if answer.situation is None or place.chat_id is None:
            return answer
        return await with_community_note(self.repo, place.platform, place.chat_id, answer)

    async def ask(
        self, text: str, member: Member, place: Place, explicit_lang: str | None = None
    ) -> Answer:
        """Answer a free-text question and record it for the moderators' statistics."""
        started = time.perf_counter()
        text = clean(text)  # a lone surrogate would fail the reply and the statistics write
        ctx = await self.context(member, place, explicit_lang)
        reply = self.core.ask(text, ctx)
        if place.chat_id is None and reply.written_in is not None:
            # (also under a saved language: after "lang auto" the member is followed from here)
            self._remember(member, reply.written_in)
        if reply.route is not None:
            lang = reply.language.lang
            await self.repo.record_question(
                member.platform, place.chat_id, reply.route.situation, lang
            )
            if reply.route.situation is None:
                await self.repo.record_unrouted(member.platform, place.chat_id, text, lang)
            answer = await self._keep_question(reply.answer, text, member, place)
            return _measured(await self._in_community(answer, place), place, started)
        return _measured(await self._in_community(reply.answer, place), place, started)

    async def press(
        self, token: str, member: Member, place: Place, answer_ref: str | None = None
    ) -> Answer:
        """Answer a button. Feedback buttons store one changeable vote per member and answer;
        "not helpful" is answered with the other answers and the decision steps."""
        started = time.perf_counter()
        ctx = await self.context(member, place)
        answer = self.core.act(token, ctx)
        action = actions.parse(token)
        if action is not None and action.verb == "c" and answer.kind == AnswerKind.SITUATION:
            await self._suggest(action.arg)
        if action is not None and action.verb == "f" and answer.kind != AnswerKind.STALE:
            sid, vote, question = actions.vote_of(action.arg)
            try:
                await self.repo.record_feedback(
                    member.platform,
                    member.user_id,
                    answer_ref or f"{sid}:{action.lang}",
                    sid,
                    action.lang,
                    vote == "1",
                    chat_id=place.chat_id,
                )
            except StorageError:  # never thank for a vote that was not kept
                log.exception("vote not saved")
                answer = self.core.notice(answer.lang, "ui.not_saved")
                return _measured(answer, place, started)
            if question is not None and vote == "0":
                answer = await self._unhelpful(answer, question)
        return _measured(await self._in_community(answer, place), place, started)

    async def _chosen(self, member: Member, place: Place, lang: str | None) -> str:
        """The answer language: ``lang`` when it is one of ours (an explicit choice comes
        first in the language order, so nothing stored can change it), else as chosen."""
        if lang in self.core.languages:
            return lang
        return self.core.choose_language(None, await self.context(member, place, lang)).lang

    async def situation(
        self, situation_id: str, member: Member, place: Place, lang: str | None = None
    ) -> Answer:
        answer = self.core.situation(situation_id, await self._chosen(member, place, lang))
        return await self._in_community(answer, place)

    async def start_walk(self, member: Member, place: Place, lang: str | None = None) -> Answer:
        answer = self.core.walk((), await self._chosen(member, place, lang))
        assert answer is not None
        return answer

    async def help(self, member: Member, place: Place, lang: str | None = None) -> Answer:
        ctx = await self.context(member, place, lang)
        return self.core.situation_menu(self.core.choose_language(None, ctx).lang, "help")

    async def set_language(
        self, member: Member, place: Place, value: str | None, undo: str | None = None
    ) -> Answer:
        """Save (or with None or "auto", clear) the member's language; unknown values are
        refused. A saved choice is confirmed with how to undo it: ``undo`` is the platform's
        way of saying "auto" (``lang auto``, ``/language auto``)."""
        try:
            answer = await self._save_language(member, place, value)
        except StorageError:  # never confirm a choice that was not kept
            log.exception("language not saved")
            return self.core.notice(await self.language(member, place), "ui.not_saved")
        chose = value is not None and value.strip().lower() not in ("", "auto", "reset")
        if undo and chose and match_locale(value, self.core.languages) is not None:
            remembered = self.core.t(answer.lang, "ui.lang.remembered", undo=undo)
            answer = replace(answer, title=f"{answer.title} {remembered}")
        return answer

    async def _save_language(self, member: Member, place: Place, value: str | None) -> Answer:
        if value is None or value.strip().lower() in ("", "auto", "reset"):
            await self.repo.set_member_language(member.platform, member.user_id, None)
            current = await self.language(member, place)
            return self.core.notice(current, "ui.lang.reset")
        lang = match_locale(value, self.core.languages)
        if lang is None:
            current = await self.language(member, place)
            # where a member picks a language: each under its own name too ("nl – Nederlands
            # (Dutch)"), so one who does not read ``current`` still finds theirs
            names = ", ".join(f"{code} – {self.core.catalogs.language_label(code, current)}"
                              for code in self.core.languages)  # fmt: skip
            return self.core.notice(current, "ui.lang.unknown", languages=names)
        await self.repo.set_member_language(member.platform, member.user_id, lang)
        log.info("language saved", extra={"platform": member.platform, "lang": lang})
        return self.core.notice(
            lang, "ui.lang.saved", language=self.core.catalogs.language_name(lang, lang)
        )

    async def language_status(self, member: Member, place: Place) -> Answer:
        lang = await self.language(member, place)
        return self.core.notice(
            lang, "ui.lang.current", language=self.core.catalogs.language_name(lang, lang)
        )

    def render(self, answer: Answer, fmt: str) -> list[str]:
        return self.core.render(answer, fmt)

    # -- suggested examples ---------------------------------------------------------------

    async def _keep_question(
        self, answer: Answer, text: str, member: Member, place: Place
    ) -> Answer:
        """Keep a question whose answer offers a pick (the "not sure" choices, or a guide's
        "not helpful" vote) under a random reference its buttons carry, so the member's pick,
        in whichever process receives it, becomes a suggested example. No member identity is
        kept. A question that cannot be kept gets its answer without the reference."""
        if answer.kind not in (AnswerKind.UNSURE, AnswerKind.SITUATION):
            return answer
        ref = secrets.token_hex(6)
        try:
            await self.repo.keep_asked(
                ref, member.platform, place.chat_id, text, answer.lang, answer.situation
            )
            await self._forget_old_questions()
        except StorageError:
            log.exception("question not kept for suggestions")
            return answer
        return self.core.for_question(answer, ref)

    async def _forget_old_questions(self) -> None:
        now = time.monotonic()
        if now - self._forgotten_at < FORGET_EVERY and self._forgotten_at:
            return
        self._forgotten_at = now
        before = datetime.now(UTC) - timedelta(days=KEEP_ASKED_DAYS)
        forgotten = await self.repo.forget_asked(before)
        if forgotten:
            log.info("forgot %d questions kept for suggestions", forgotten)

    async def _unhelpful(self, answer: Answer, question: str) -> Answer:
        """After "not helpful" on the answer to a kept question: noted for the dashboard, and
        the other answers offered as picks that carry the question."""
        try:
            if not await self.repo.mark_asked_unhelpful(question):
                return answer  # forgotten meanwhile: plain choices
        except StorageError:
            log.exception("not-helpful vote not noted on its question")
            return answer
        return self.core.for_question(answer, question)

    async def _suggest(self, pick: str) -> None:
        """A member picked an answer for a kept question: keep it as a suggested example."""
        sid, via, ref = actions.pick_of(pick)
        try:
            asked = await self.repo.get_asked(ref)
            if asked is None:
                return
            source = "unsure-choice" if via == "u" else "not-helpful-choice"
            await self.repo.add_example(
                asked.platform, asked.chat_id, asked.text, asked.lang, sid, source
            )
        except StorageError:
            log.exception("suggested example not kept")


def _measured(answer: Answer, place: Place, started: float) -> Answer:
    """Count ``answer`` and the time it took (:mod:`bot.metrics`), and return it."""
    metrics.ANSWER_SECONDS.labels(place.platform).observe(time.perf_counter() - started)
    metrics.ANSWERS.labels(place.platform, answer.kind, answer.situation or "", answer.lang).inc()
    return answer
