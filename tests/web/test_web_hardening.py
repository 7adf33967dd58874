"""The dashboard under attack, over plain HTTP: racing and late links, stale sessions, ids and
bodies out of range, headers on every response, spoofed and rotated client addresses, member
text in chart labels and query strings, and no token in the logs."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from itsdangerous import TimestampSigner
from web_client import BASE, SECRET, sign_in

from bot.core.engine import default_core
from bot.storage.sql import SqlRepository
from bot.web.app import COOKIE, create_app
from bot.web.links import issue_link

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(web: httpx.AsyncClient) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=web._transport, base_url=BASE)


def _cookie(session: dict[str, object]) -> str:
    return TimestampSigner(SECRET).sign(base64.b64encode(json.dumps(session).encode())).decode()


# -- links ------------------------------------------------------------------------------------
async def test_a_link_redeemed_many_times_at_once_opens_one_session(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    link = (await issue_link(repo, BASE, "telegram", "-100")).removeprefix(BASE)
    clients = [_client(web) for _ in range(6)]
    answers = await asyncio.gather(*(c.get(link) for c in clients))
    assert sorted(a.status_code for a in answers) == [303] + [410] * 5
    pages = await asyncio.gather(*(c.get("/") for c in clients))
    assert sorted(p.status_code for p in pages) == [200] + [401] * 5


async def test_a_link_works_for_ten_minutes_and_not_a_second_more(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    now = datetime.now(UTC)
    late = await issue_link(repo, BASE, "telegram", "-100", now=now - timedelta(seconds=601))
    assert (await web.get(late.removeprefix(BASE))).status_code == 410
    in_time = await issue_link(repo, BASE, "telegram", "-100", now=now - timedelta(seconds=590))
    assert (await web.get(in_time.removeprefix(BASE))).status_code == 303


# -- sessions ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "session",
    [
        {"platform": "telegram", "chat_id": "-100", "csrf": "x", "until": "never"},
        {"platform": "telegram", "chat_id": "-100", "csrf": "x"},
        {"platform": "telegram", "chat_id": 100, "csrf": "x", "until": 2**40},
        "expired",
    ],
)
async def test_a_validly_signed_but_expired_or_malformed_session_is_refused(
    web: httpx.AsyncClient, repo: SqlRepository, session: dict[str, object] | str
) -> None:
    if session == "expired":
        session = {"platform": "telegram", "chat_id": "-100", "csrf": "x",
                   "until": int(time.time()) - 1}  # fmt: skip
    assert isinstance(session, dict)
    web.cookies.set(COOKIE, _cookie(session))
    assert (await web.get("/")).status_code == 401
    answer = await web.post(
        "/act", data={"csrf": "x", "do": "note", "situation": "seller-cancel", "text": "hi"}
    )
    assert answer.status_code == 401
    assert await repo.list_notes("telegram", "-100") == []


async def test_the_session_cookie_is_http_only_same_site_and_secure_over_https(
    repo: SqlRepository,
) -> None:
    for https, base in ((False, BASE), (True, "https://dashboard.test")):
        app = create_app(default_core(), repo, SECRET, https_only=https)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)
        link = await issue_link(repo, base, "telegram", "-100")
        (cookie,) = (await client.get(link.removeprefix(base))).headers.get_list("set-cookie")
        flags = {f.strip().lower() for f in cookie.split(";")[1:]}
        assert {"httponly", "samesite=lax"} <= flags
        assert ("secure" in flags) == https


# -- forms ------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", [str(2**31), str(2**70), "9" * 4000, "-1", "0", "1.5"])
async def test_an_example_id_out_of_range_is_a_bad_request(
    web: httpx.AsyncClient, repo: SqlRepository, example: str
) -> None:
    csrf = await sign_in(web, repo, "telegram", "-100")
    answer = await web.post("/act", data={"csrf": csrf, "do": "confirm", "example": example})
    assert answer.status_code == 400
    assert await repo.list_actions("telegram", "-100", 10) == []


async def test_deciding_an_example_that_is_not_here_changes_and_logs_nothing(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    theirs = await repo.add_example("telegram", "-200", "their question", "en", None,
                                    "unsure-choice")  # fmt: skip
    csrf = await sign_in(web, repo, "telegram", "-100")
    for do in ("confirm", "reject", "correct"):
        answer = await web.post("/act", data={"csrf": csrf, "do": do, "example": str(theirs),
                                              "answer": "seller-cancel"})  # fmt: skip
        assert answer.status_code == 400, do
    assert await repo.list_actions("telegram", "-100", 10) == []
    (still,) = await repo.list_examples("telegram", "-200")
    assert (still.status, still.answer) == ("suggested", None)


@pytest.mark.parametrize("shape", ["large", "many-fields", "multipart"])
async def test_an_oversized_or_multipart_form_is_refused_unread(
    web: httpx.AsyncClient, repo: SqlRepository, shape: str
) -> None:
    csrf = await sign_in(web, repo, "telegram", "-100")
    data: dict[str, str] = {"csrf": csrf, "do": "note", "situation": "seller-cancel"}
    files = None
    if shape == "large":
        data["text"] = "a" * 300 + " " * 500_000
    elif shape == "many-fields":
        data.update({f"f{n}": "x" for n in range(500)}, text="hello")
    else:
        data["text"] = "hello"
        files = {"upload": ("a.bin", b"\0" * 1000, "application/octet-stream")}
    answer = await web.post("/act", data=data, files=files)
    assert answer.status_code in (400, 413, 415)
    assert await repo.list_notes("telegram", "-100") == []


async def test_no_get_request_changes_anything(web: httpx.AsyncClient, repo: SqlRepository) -> None:
    csrf = await sign_in(web, repo, "telegram", "-100")
    query = f"csrf={csrf}&do=note&situation=seller-cancel&text=hi"
    assert (await web.get(f"/act?{query}")).status_code == 405
    assert (await web.get(f"/logout?csrf={csrf}")).status_code == 405
    assert await repo.list_notes("telegram", "-100") == []
    assert (await web.get("/")).status_code == 200


# -- headers ----------------------------------------------------------------------------------
async def test_every_response_forbids_framing_caching_and_foreign_assets(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    answers = {"signed out": await web.get("/"), "no page": await web.get("/nowhere")}
    csrf = await sign_in(web, repo, "telegram", "-100")
    answers.update({
        "page": await web.get("/questions"),
        "wrong method": await web.get("/act"),
        "refused note": await web.post("/act", data={"csrf": csrf, "do": "note",
                                                     "situation": "nope", "text": "x"}),
        "done": await web.post("/act", data={"csrf": csrf, "do": "language", "lang": "en"}),
        "csrf": await web.post("/act", data={"do": "language", "lang": "en"}),
        "login": await web.get((await issue_link(repo, BASE, "telegram", "-100"))
                               .removeprefix(BASE)),
    })  # fmt: skip
    for what, answer in answers.items():
        h = answer.headers
        assert h.get("cache-control") == "no-store", what
        assert h.get("x-frame-options") == "DENY", what
        assert h.get("x-content-type-options") == "nosniff", what
        assert h.get("referrer-policy") == "no-referrer", what
        csp = h.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, what
        assert "http:" not in csp and "https:" not in csp and "*" not in csp, what


# -- the rate limit ---------------------------------------------------------------------------
async def test_the_rate_limit_ignores_forwarded_for_headers(web: httpx.AsyncClient) -> None:
    codes = [
        (await web.get(f"/login?token=g{n}", headers={"X-Forwarded-For": f"10.0.{n}.1",
                                                      "X-Real-IP": f"10.1.{n}.1"})).status_code
        for n in range(12)
    ]  # fmt: skip
    assert codes[10:] == [429, 429]


async def test_the_rate_limit_covers_an_ipv6_network_not_each_address(
    repo: SqlRepository,
) -> None:
    app = create_app(default_core(), repo, SECRET)

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 5000))
        return httpx.AsyncClient(transport=transport, base_url=BASE)

    codes = [(await client(f"2001:db8:1:2::{n:x}").get(f"/login?token=g{n}")).status_code
             for n in range(12)]  # fmt: skip
    assert codes[10:] == [429, 429]
    other = await client("2001:db8:1:3::1").get("/login?token=g")  # another network
    assert other.status_code == 400
    v4 = [(await client(f"192.0.2.{n}").get("/login?token=g")).status_code for n in range(12)]
    assert 429 not in v4  # IPv4 addresses are each their own


# -- member text ------------------------------------------------------------------------------
async def test_markup_in_language_codes_situation_ids_and_query_strings_is_escaped(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    chat = "-100"
    await repo.record_question("telegram", chat, EVIL, EVIL)
    await repo.record_question("telegram", chat, None, EVIL)
    await repo.record_unrouted("telegram", chat, EVIL, EVIL)
    await repo.add_example("telegram", chat, EVIL, EVIL, EVIL, "unsure-choice")
    await repo.record_pin("telegram", chat, EVIL, EVIL, EVIL, "old")
    await repo.record_feedback("telegram", "1", "r", EVIL, EVIL, True, chat_id=chat)
    await repo.keep_asked("0123456789ab", "telegram", chat, EVIL, EVIL, EVIL)
    await repo.mark_asked_unhelpful("0123456789ab")
    await sign_in(web, repo, "telegram", chat)
    evil = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    for page in ("/", "/?days=7", "/questions", "/notes", "/pins", "/log", "/language",
                 f"/pins?done={evil}", f"/notes?problem={evil}", f"/?days={evil}"):  # fmt: skip
        answer = await web.get(page)
        assert answer.status_code == 200, page
        assert "<script>" not in answer.text and "<img src=x" not in answer.text, page
    assert "&lt;script&gt;" in (await web.get("/")).text  # the chart labels, escaped


# -- logs ---------------------------------------------------------------------------------------
async def test_no_sign_in_token_or_secret_in_the_logs(
    web: httpx.AsyncClient, repo: SqlRepository, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    link = await issue_link(repo, BASE, "telegram", "-100")
    token = link.split("token=", 1)[1]
    await web.get(link.removeprefix(BASE))
    await web.get(link.removeprefix(BASE))  # used
    await web.get("/login?token=" + token[:-2])  # unknown
    await web.get("/")
    server = "\n".join(  # httpx's own log lines are the test client's, not the server's
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert token not in server and token[:20] not in server
    assert SECRET not in server


async def test_a_question_labelled_twice_becomes_one_example(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    await repo.keep_asked("0123456789ab", "telegram", "-100", "where is my money", "en",
                          "seller-cancel")  # fmt: skip
    await repo.mark_asked_unhelpful("0123456789ab")
    csrf = await sign_in(web, repo, "telegram", "-100")
    form = {"csrf": csrf, "do": "label-unhelpful", "ref": "0123456789ab", "answer": "-"}
    first, again = [await web.post("/act", data=form) for _ in range(2)]  # a double submit
    assert first.status_code == 303 and again.status_code == 400
    assert len(await repo.list_examples("telegram", "-100")) == 1


async def test_a_sign_in_link_is_not_spent_by_a_head_request(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    link = (await issue_link(repo, BASE, "telegram", "-100")).removeprefix(BASE)
    assert (await web.head(link)).status_code in (200, 405)  # a link checker, a preview
    assert (await web.get("/")).status_code == 401
    assert (await web.get(link)).status_code == 303
