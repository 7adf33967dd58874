"""The dashboard's sign-in and boundaries over plain HTTP: one-time links, signed sessions of
one community, CSRF tokens, rate limits, and member text escaped on every page."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from itsdangerous import TimestampSigner
from web_client import BASE, SECRET, csrf_of, sign_in

from bot.storage.sql import SqlRepository
from bot.web.app import COOKIE, PERIODS
from bot.web.links import issue_link

PAGES = ("/", "/questions", "/notes", "/pins", "/log", "/language")
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def test_a_link_opens_one_session_once(web: httpx.AsyncClient, repo: SqlRepository) -> None:
    link = (await issue_link(repo, BASE, "telegram", "-100")).removeprefix(BASE)
    assert (await web.get(link)).status_code == 303
    assert (await web.get("/")).status_code == 200
    again = await httpx.AsyncClient(transport=web._transport, base_url=BASE).get(link)
    assert again.status_code == 410 and "already used" in again.text


async def test_an_expired_or_unknown_link_gets_a_clear_page(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    old = datetime.now(UTC) - timedelta(minutes=11)
    link = (await issue_link(repo, BASE, "telegram", "-100", now=old)).removeprefix(BASE)
    expired = await web.get(link)
    assert expired.status_code == 410 and "expired" in expired.text
    assert (await web.get("/login?token=forged")).status_code == 400
    assert (await web.get("/")).status_code == 401  # no session was opened


async def test_redemption_is_rate_limited_per_address(web: httpx.AsyncClient) -> None:
    codes = [(await web.get(f"/login?token=guess{n}")).status_code for n in range(12)]
    assert codes[:10] == [400] * 10 and codes[10:] == [429, 429]


def _cookie(session: dict[str, object], secret: str = SECRET) -> str:
    data = base64.b64encode(json.dumps(session).encode())
    return TimestampSigner(secret).sign(data).decode()


async def test_a_forged_session_cookie_is_refused(web: httpx.AsyncClient) -> None:
    forged = {"platform": "telegram", "chat_id": "-100", "csrf": "x", "until": 2**40}
    web.cookies.set(COOKIE, _cookie(forged, secret="not-the-secret-0123456789"))
    assert (await web.get("/")).status_code == 401
    web.cookies.set(COOKIE, "garbage")
    assert (await web.get("/notes")).status_code == 401


async def test_a_session_never_reaches_another_community(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    await repo.set_note("telegram", "-200", "seller-cancel", "secret of the other group", "1")
    await repo.add_example("telegram", "-200", "other group's question", "en", None,
                           "unsure-choice")  # fmt: skip
    (other,) = await repo.list_examples("telegram", "-200")
    csrf = await sign_in(web, repo, "telegram", "-100")
    for page in PAGES:
        body = (await web.get(page)).text
        assert "secret of the other group" not in body and "other group" not in body
    # acting on the other community's example by id changes nothing there
    await web.post("/act", data={"csrf": csrf, "do": "confirm", "example": str(other.id),
                                 "answer": "seller-cancel"})  # fmt: skip
    (still,) = await repo.list_examples("telegram", "-200")
    assert still.status == "suggested"
    # the same chat id on another platform is another community
    assert await repo.list_notes("discord", "-100") == []


@pytest.mark.parametrize("csrf", [None, "", "wrong"])
async def test_a_form_without_its_sessions_csrf_token_is_refused(
    web: httpx.AsyncClient, repo: SqlRepository, csrf: str | None
) -> None:
    await sign_in(web, repo, "telegram", "-100")
    data = {"do": "note", "situation": "seller-cancel", "text": "hello"}
    if csrf is not None:
        data["csrf"] = csrf
    answer = await web.post("/act", data=data)
    assert answer.status_code == 403
    assert await repo.list_notes("telegram", "-100") == []


async def test_a_csrf_token_of_another_session_is_refused(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    other = httpx.AsyncClient(transport=web._transport, base_url=BASE)
    theirs = await sign_in(other, repo, "telegram", "-100")
    await sign_in(web, repo, "telegram", "-100")
    data = {"csrf": theirs, "do": "note", "situation": "seller-cancel", "text": "x"}
    assert (await web.post("/act", data=data)).status_code == 403


async def test_member_text_with_markup_is_escaped_on_every_page(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    chat = "-100"
    await repo.record_question("telegram", chat, None, "en")
    await repo.record_unrouted("telegram", chat, EVIL, "en")
    await repo.keep_asked("0123456789ab", "telegram", chat, EVIL, "en", "seller-cancel")
    await repo.mark_asked_unhelpful("0123456789ab")
    await repo.add_example("telegram", chat, EVIL, "en", None, "unsure-choice")
    await repo.set_note("telegram", chat, "seller-cancel", EVIL, "1")
    await repo.log_action("telegram", chat, EVIL, EVIL, EVIL)
    await repo.record_pin("telegram", chat, EVIL, "seller-cancel", "en", "old")
    await sign_in(web, repo, "telegram", chat)
    for page in (*PAGES, *(f"/?days={d}" for d in PERIODS)):
        body = (await web.get(page)).text
        assert "<script>" not in body and "<img src=x" not in body, page
    assert "&lt;script&gt;" in (await web.get("/questions")).text
    assert "&lt;script&gt;" in (await web.get("/notes")).text
    assert "&lt;script&gt;" in (await web.get("/log")).text


async def test_labelling_an_unplaced_question_confirms_an_example(
    web: httpx.AsyncClient, repo: SqlRepository
) -> None:
    await repo.record_unrouted("telegram", "-100", "my level dropped", "en")
    csrf = await sign_in(web, repo, "telegram", "-100")
    (row,) = await repo.recent_unrouted("telegram", "-100")
    done = await web.post("/act", data={"csrf": csrf, "do": "label-unplaced",
                                        "unplaced": str(row.id), "answer": "-"})  # fmt: skip
    assert done.status_code == 303
    (example,) = await repo.list_examples("telegram", "-100")
    assert (example.text, example.answer, example.status, example.source) == (
        "my level dropped", None, "confirmed", "moderator",
    )  # fmt: skip
    assert "my level dropped" not in (await web.get("/questions")).text.split("decided")[0]


async def test_signing_out_ends_the_session(web: httpx.AsyncClient, repo: SqlRepository) -> None:
    await sign_in(web, repo, "telegram", "-100")
    csrf = csrf_of((await web.get("/")).text)
    assert (await web.post("/logout", data={"csrf": csrf})).status_code == 303
    assert (await web.get("/")).status_code == 401
