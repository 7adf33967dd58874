"""The dashboard: a Starlette application with server-rendered pages (``templates/web``).

Sign-in: ``/login?token=...`` redeems a one-time link (:mod:`bot.web.links`) and opens a
signed, expiring session (Starlette's ``SessionMiddleware``, signed with itsdangerous) for the
link's one community; every page and every query reads the community from the session only.
Every form posts a CSRF token tied to the session. Link redemption is rate limited per client
address. Moderator actions go through :class:`~bot.moderation.Moderation`, as on the
platforms, with an actor that the signed session vouches for; they are logged as done "on
the dashboard".
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.active_model import describe, in_use
from bot.core import situations
from bot.core.engine import Core
from bot.moderation import Actor, Moderation, Refused
from bot.moderation.pins import plan_refresh
from bot.moderation.surface import PinSurface
from bot.storage import Repository
from bot.web import charts, guards

log = logging.getLogger(__name__)

#: How long a session lasts after sign-in.
SESSION_SECONDS = 8 * 3600
#: Sign-in attempts a client address may make per :data:`RATE_WINDOW` seconds.
RATE_LIMIT = 10
RATE_WINDOW = 60.0
#: The overview's periods, in days.
PERIODS = (7, 30, 90)
#: Rows a list shows.
LIST_ROWS = 50
#: The action log's actor for what is done on the dashboard.
DASHBOARD_ACTOR = "dashboard"
#: The form value that labels a question off-topic (no guide).
OFFTOPIC = "-"
COOKIE = "sellerbot_dashboard"


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per key, in memory (one process)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one event for ``key``; False when over the limit (not counted then)."""
        now = self._clock()
        if len(self._events) > 10_000:  # forget quiet keys
            for k in [k for k, q in self._events.items() if not q or q[-1] < now - self.window]:
                del self._events[k]
        q = self._events.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(now)
        return True


class Dashboard:
    """The pages, for one core and storage.

    Args:
        core: For texts, situations and the content version.
        repo: Storage.
        pin_surfaces: Per platform, the running adapter's pinned answers of one community
            (``chat id -> PinSurface``: edit and unpin on the platform); empty when the web
            runs alone (then pins can only be listed and forgotten).
    """

    def __init__(
        self,
        core: Core,
        repo: Repository,
        pin_surfaces: dict[str, Callable[[str], PinSurface]] | None = None,
    ) -> None:
        self.core = core
        self.repo = repo
        self.moderation = Moderation(core, repo)
        self.pin_surfaces = pin_surfaces if pin_surfaces is not None else {}
        self.limiter = SlidingWindow(RATE_LIMIT, RATE_WINDOW)
        self.env = _environment(core.renderer.directory)

    # -- rendering ---------------------------------------------------------------------------
    def t(self, lang: str, key: str, **params: object) -> str:
        return self.core.t(lang, f"web.{key}", **params)

    def page(
        self, request: Request, name: str, lang: str, status: int = 200, **values: Any
    ) -> HTMLResponse:
        session = request.session
        situation_titles = {s.id: self.core.t(lang, f"{s.id}.title") for s in situations.SITUATIONS}
        html = self.env.get_template(f"web/{name}.j2").render(
            t=lambda key, **p: self.t(lang, key, **p),
            lang=lang,
            csrf=session.get("csrf", ""),
            signed_in="chat_id" in session,
            here=request.url.path,
            platform=session.get("platform"),
            chat_id=session.get("chat_id"),
            situations=situation_titles,
            offtopic=OFFTOPIC,
            title_of=lambda sid: (
                situation_titles.get(sid, sid) if sid else self.t(lang, "offtopic")
            ),
            language_name=lambda code: self.core.catalogs.language_name(code, lang),
            when=lambda at: at.strftime("%Y-%m-%d %H:%M UTC"),
            **values,
        )
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    def message(self, request: Request, key: str, status: int, lang: str = "en") -> HTMLResponse:
        return self.page(request, "message", lang, status=status, text=self.t(lang, key))

    async def lang_of(self, platform: str, chat_id: str) -> str:
        """The viewer's language: the community's setting, else English."""
        settings = await self.repo.get_community(platform, chat_id)
        return settings.default_lang if settings and settings.default_lang else "en"

    # -- sign-in ------------------------------------------------------------------------------
    async def login(self, request: Request) -> Response:
        from bot.web.links import token_hash

        if request.method != "GET":  # a link checker's HEAD must not spend the link
            return Response(status_code=405, headers={"Allow": "GET", **_HEADERS})
        client = guards.client_key(request.client.host if request.client else None)
        if not self.limiter.allow(client):
            return self.message(request, "error.rate_limited", 429)
        token = request.query_params.get("token", "")
        if not token or len(token) > 100:
            return self.message(request, "error.link_unknown", 400)
        found = await self.repo.redeem_dashboard_link(token_hash(token), datetime.now(UTC))
        if found.status != "ok" or found.platform is None or found.chat_id is None:
            status = {"used": 410, "expired": 410}.get(found.status, 400)
            return self.message(request, f"error.link_{found.status}", status)
        request.session.clear()
        request.session.update(
            platform=found.platform,
            chat_id=found.chat_id,
            csrf=secrets.token_urlsafe(24),
            until=int(time.time()) + SESSION_SECONDS,
        )
        log.info("dashboard session opened", extra={"platform": found.platform})
        return RedirectResponse("/", status_code=303, headers=_HEADERS)

    async def logout(self, request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/signed-out", status_code=303, headers=_HEADERS)

    async def signed_out(self, request: Request) -> Response:
        return self.message(request, "signed_out", 200)

    # -- pages ---------------------------------------------------------------------------------
    async def overview(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        try:
            days = int(request.query_params.get("days", "30"))
        except ValueError:
            days = 30
        days = days if days in PERIODS else 30
        now = datetime.now(UTC)
        first = (now - timedelta(days=days - 1)).date()
        rows = await self.repo.question_days(
            platform, chat_id, datetime(first.year, first.month, first.day, tzinfo=UTC)
        )
        columns = [(first + timedelta(days=i)).isoformat() for i in range(days)]
        by_sid: dict[tuple[str, str], int] = {}
        by_lang: dict[tuple[str, str], int] = {}
        lang_totals: dict[str, int] = {}
        for day, sid, qlang, n in rows:
            key = sid or OFFTOPIC
            by_sid[(day, key)] = by_sid.get((day, key), 0) + n
            by_lang[(day, qlang)] = by_lang.get((day, qlang), 0) + n
            lang_totals[qlang] = lang_totals.get(qlang, 0) + n
        titles = {s.id: self.core.t(lang, f"{s.id}.title") for s in situations.SITUATIONS}
        titles[OFFTOPIC] = self.t(lang, "not_placed")
        sid_keys = [s.id for s in situations.SITUATIONS] + [OFFTOPIC]
        used = [k for k in sid_keys if any(key == k for _, key in by_sid)]
        langs = sorted(lang_totals, key=lambda code: (-lang_totals[code], code))
        names = {code: self.core.catalogs.language_name(code, lang) for code in langs}
        total = sum(lang_totals.values())
        votes = await self.repo.feedback_summary(platform, chat_id, since=now - timedelta(days))
        helpful: dict[str, list[int]] = {}
        for v in votes:
            pair = helpful.setdefault(v.situation, [0, 0])
            pair[0] += v.helpful
            pair[1] += v.not_helpful
        helpful_rows = [
            (sid, titles.get(sid, sid), yes / (yes + no),
             self.t(lang, "helpful_value", percent=round(100 * yes / (yes + no)), votes=yes + no))
            for sid, (yes, no) in sorted(helpful.items()) if yes + no
        ]  # fmt: skip
        return self.page(
            request,
            "overview",
            lang,
            days=days,
            periods=PERIODS,
            total=total,
            by_situation=charts.stacked_bars(
                "situations", columns, charts.series_for(used, titles), by_sid,
                title=self.t(lang, "chart.situations", days=days),
            ),
            by_language=charts.stacked_bars(
                "languages-per-day", columns, charts.series_for(langs, names), by_lang,
                title=self.t(lang, "chart.languages_per_day", days=days),
            ),
            languages=charts.horizontal_bars(
                "languages",
                [(c, names[c], lang_totals[c] / total, str(lang_totals[c])) for c in langs],
                title=self.t(lang, "chart.languages", days=days),
            ),
            helpful=charts.horizontal_bars(
                "helpful", helpful_rows, title=self.t(lang, "chart.helpful", days=days)
            ),
            has_votes=bool(helpful_rows),
            router=describe(self.core, await in_use(self.repo, self.core.model), lang,
                            "web.router"),
        )  # fmt: skip

    async def questions(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        suggested = await self.repo.list_examples(platform, chat_id, "suggested", LIST_ROWS)
        unplaced = await self.repo.recent_unrouted(platform, chat_id, LIST_ROWS)
        unhelpful = await self.repo.unhelpful_questions(platform, chat_id, LIST_ROWS)
        decided = [
            e for e in await self.repo.list_examples(platform, chat_id, limit=LIST_ROWS)
            if e.status != "suggested"
        ]  # fmt: skip
        return self.page(
            request,
            "questions",
            lang,
            suggested=suggested,
            unplaced=unplaced,
            unhelpful=unhelpful,
            decided=decided,
        )

    async def notes(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        actor = _actor(platform)
        notes = {n.situation: n for n in await self.moderation.notes(actor, chat_id)}
        return self.page(
            request, "notes", lang, notes=notes, problem=request.query_params.get("problem")
        )

    async def pins(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        actor = _actor(platform)
        pins = await self.moderation.pins(actor, chat_id)
        stale = {
            p.message_id
            for p in await plan_refresh(self.repo, platform, self.core.content_version, chat_id)
        }
        return self.page(
            request,
            "pins",
            lang,
            pins=pins,
            stale=stale,
            can_refresh=platform in self.pin_surfaces,
            done=request.query_params.get("done"),
            unpinned=request.query_params.get("unpinned"),
        )

    async def action_log(
        self, request: Request, platform: str, chat_id: str, lang: str
    ) -> Response:
        actions = await self.moderation.action_log(_actor(platform), chat_id, LIST_ROWS)
        return self.page(request, "log", lang, actions=actions)

    async def language(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        settings = await self.repo.get_community(platform, chat_id)
        return self.page(
            request,
            "language",
            lang,
            current=settings.default_lang if settings else None,
            languages=self.core.languages,
        )

    # -- actions (POST) ------------------------------------------------------------------------
    async def act(self, request: Request, platform: str, chat_id: str, lang: str) -> Response:
        """Every form posts here with ``do`` naming the action; back to the page after."""
        form = await request.form()
        value = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        do = value.get("do", "")
        actor = _actor(platform)
        back = {"note": "/notes", "note-remove": "/notes", "pin-forget": "/pins",
                "pins-refresh": "/pins", "pin-unpin": "/pins",
                "language": "/language"}.get(do, "/questions")  # fmt: skip
        try:
            if do in ("confirm", "reject", "correct"):
                example = guards.row_id(value.get("example"))
                answer = _answer(value.get("answer")) if do == "correct" else None
                status = "rejected" if do == "reject" else "confirmed"
                if not await self.repo.decide_example(
                    platform, chat_id, example, status, answer, relabel=do == "correct"
                ):
                    raise ValueError("no such example here")
                await self._log(chat_id, actor, f"example.{do}", str(example))
            elif do == "label-unplaced":
                await self._label(platform, chat_id, actor, value, None)
            elif do == "label-unhelpful":
                await self._label(platform, chat_id, actor, value, value.get("ref", ""))
            elif do == "note":
                await self.moderation.set_note(actor, chat_id, value.get("situation", ""),
                                               value.get("text", ""))  # fmt: skip
                await self._refresh_quietly(platform, chat_id)
            elif do == "note-remove":
                if await self.moderation.remove_note(actor, chat_id, value.get("situation", "")):
                    await self._refresh_quietly(platform, chat_id)
            elif do == "pin-forget":
                await self.moderation.forget_pin(actor, chat_id, value.get("message", ""))
            elif do == "pins-refresh":
                surface = self.pin_surfaces.get(platform)
                if surface is not None:
                    edit = surface(chat_id).edit
                    report = await self.moderation.refresh_pins(actor, chat_id, edit)
                    back += f"?done={report.edited}"
            elif do == "pin-unpin":
                surface = self.pin_surfaces.get(platform)
                message = value.get("message", "")
                if surface is None:
                    raise ValueError("unpinning needs the bot running")
                outcome, _pin = await self.moderation.unpin(
                    actor, chat_id, lambda p: p.message_id == message, surface(chat_id)
                )
                back += f"?unpinned={outcome}"
            elif do == "language":
                await self.moderation.set_language(actor, chat_id, value.get("lang") or None)
            else:
                return self.message(request, "error.bad_request", 400, lang)
        except Refused as refusal:
            if back == "/notes":
                return RedirectResponse(f"/notes?problem={refusal.code}", status_code=303)
            return self.message(request, "error.bad_request", 400, lang)
        except ValueError:
            return self.message(request, "error.bad_request", 400, lang)
        return RedirectResponse(back, status_code=303, headers=_HEADERS)

    async def _label(
        self, platform: str, chat_id: str, actor: Actor, value: dict[str, str], ref: str | None
    ) -> None:
        """A moderator said which answer a question needed: a confirmed example."""
        if ref is not None:
            asked = await self.repo.get_asked(ref)
            if asked is None or (asked.platform, asked.chat_id) != (platform, chat_id):
                raise ValueError("no such question here")
            text, qlang = asked.text, asked.lang
        else:
            wanted = int(value.get("unplaced", "0"))
            found = [u for u in await self.repo.recent_unrouted(platform, chat_id, 500)
                     if u.id == wanted]  # fmt: skip
            if not found:
                raise ValueError("no such question here")
            text, qlang = found[0].text, found[0].lang
        answer = _answer(value.get("answer"))
        # claim the question first: of two submits (a double click) only one labels it
        if ref is not None and not await self.repo.mark_asked_answered(platform, chat_id, ref):
            raise ValueError("answered already")
        example = await self.repo.add_example(
            platform, chat_id, text, qlang, answer, "moderator", "confirmed"
        )
        await self._log(chat_id, actor, "example.label", f"{example}: {answer or 'off-topic'}")

    async def _log(self, chat_id: str, actor: Actor, action: str, detail: str) -> None:
        await self.repo.log_action(actor.platform, chat_id, actor.user_id, action, detail)

    async def _refresh_quietly(self, platform: str, chat_id: str) -> None:
        surface = self.pin_surfaces.get(platform)
        if surface is not None:
            await self.moderation.refresh_after_note(platform, chat_id, surface(chat_id).edit)

    # -- the application -----------------------------------------------------------------------
    def signed_in(
        self,
        handler: Callable[[Request, str, str, str], Awaitable[Response]],
        post: bool = False,
    ) -> Callable[[Request], Awaitable[Response]]:
        """A page of the session's community; a POST also needs the session's CSRF token."""

        async def endpoint(request: Request) -> Response:
            session = request.session
            platform, chat_id = session.get("platform"), session.get("chat_id")
            until = session.get("until", 0)
            if (
                not isinstance(platform, str)
                or not isinstance(chat_id, str)
                or (not isinstance(until, int) or until < time.time())
            ):
                session.clear()
                return self.message(request, "error.signed_out", 401)
            lang = await self.lang_of(platform, chat_id)
            if post:
                try:
                    form = await guards.read_form(request)
                except guards.BadForm as bad:
                    return self.message(request, "error.bad_request", bad.status, lang)
                sent = form.get("csrf")
                expected = session.get("csrf")
                if not (isinstance(sent, str) and isinstance(expected, str) and
                        hmac.compare_digest(sent.encode(), expected.encode())):  # fmt: skip
                    return self.message(request, "error.csrf", 403, lang)
            return await handler(request, platform, chat_id, lang)

        return endpoint


def create_app(
    core: Core,
    repo: Repository,
    secret: str,
    *,
    https_only: bool = False,
    pin_surfaces: dict[str, Callable[[str], PinSurface]] | None = None,
) -> Starlette:
    """The dashboard application.

    Args:
        core: The core (texts, situations).
        repo: Storage.
        secret: Signs the session cookie (``SELLERBOT_WEB_SECRET``).
        https_only: Send the session cookie over HTTPS only (a public ``https://`` address).
        pin_surfaces: See :class:`Dashboard`.
    """
    d = Dashboard(core, repo, pin_surfaces)
    routes = [
        Route("/login", d.login),
        Route("/logout", d.signed_in(lambda r, *_: d.logout(r), post=True), methods=["POST"]),
        Route("/signed-out", d.signed_out),
        Route("/", d.signed_in(d.overview)),
        Route("/questions", d.signed_in(d.questions)),
        Route("/notes", d.signed_in(d.notes)),
        Route("/pins", d.signed_in(d.pins)),
        Route("/log", d.signed_in(d.action_log)),
        Route("/language", d.signed_in(d.language)),
        Route("/act", d.signed_in(d.act, post=True), methods=["POST"]),
    ]
    middleware = [
        Middleware(guards.SecurityHeaders, headers=_HEADERS),
        Middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie=COOKIE,
            max_age=SESSION_SECONDS,
            same_site="lax",
            https_only=https_only,
        ),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.dashboard = d
    return app


def _actor(platform: str) -> Actor:
    """Who acts on the dashboard: the signed session stands for a moderator's link."""
    return Actor(platform, DASHBOARD_ACTOR, is_moderator=True)


def _answer(value: str | None) -> str | None:
    """A situation id from a form, None for off-topic.

    Raises:
        ValueError: For anything else.
    """
    if value == OFFTOPIC:
        return None
    if value is None or situations.get(value) is None:
        raise ValueError(f"not an answer: {value!r}")
    return value


#: No page may be framed, sniffed, cached, or load anything from elsewhere.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


@cache
def _environment(directory: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


__all__ = ["Dashboard", "Markup", "SlidingWindow", "create_app"]
