"""The dashboard in a real browser (Debian's Chromium, headless, through Playwright): sign in
from the link the Telegram bot's /dashboard sends, read a chart, confirm a suggested example
and edit a note."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tg_fixtures import (
    SUPERGROUP,
    USERS,
    Feeder,
    app,
    assistant,
    clock,
    feed,
    message_update,
    reminders,
    repo,
    standin,
)
from tg_standin import BotApiStandIn
from web_client import SECRET

from bot.assistant import Assistant
from bot.storage.sql import SqlRepository
from bot.web.app import create_app
from bot.web.server import serve

__all__ = ["app", "assistant", "clock", "feed", "reminders", "repo", "standin"]

ADMIN = {"id": USERS["en"], "is_bot": False, "first_name": "Alex", "language_code": "en"}
CHAT = str(SUPERGROUP)


@pytest.fixture
async def site(assistant: Assistant) -> AsyncIterator[str]:
    """The dashboard served on a free local port, in the test's loop; its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    stop = asyncio.Event()
    web = create_app(assistant.core, assistant.repo, SECRET)
    task = asyncio.create_task(serve(web, "127.0.0.1", port, stop))
    for _ in range(100):
        await asyncio.sleep(0.05)
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        except OSError:
            continue
    url = f"http://127.0.0.1:{port}"
    assistant.dashboard_url = url
    try:
        yield url
    finally:
        stop.set()
        await task


async def dashboard_link(feed: Feeder, standin: BotApiStandIn) -> str:
    """What a moderator gets: /dashboard in the group, the link in private."""
    standin.make_admin(SUPERGROUP, ADMIN["id"])
    await feed(message_update(SUPERGROUP, ADMIN, "/dashboard", update_id=1))
    private = [m for m in feed.sent() if int(m["chat_id"]) == ADMIN["id"]]
    in_group = [m for m in feed.sent() if int(m["chat_id"]) == SUPERGROUP]
    assert in_group and "in private" in in_group[-1]["text"]
    assert "/login?token=" not in in_group[-1]["text"]
    found = re.search(r"https?://\S+/login\?token=\S+", private[-1]["text"])
    assert found is not None
    return found.group(0)


async def test_a_moderator_signs_in_reads_a_chart_confirms_an_example_and_edits_a_note(
    feed: Feeder, standin: BotApiStandIn, repo: SqlRepository, site: str, browser: Any, page: Any
) -> None:
    now = datetime.now(UTC)
    rows = [("telegram", CHAT, "seller-cancel", "en", now)] * 3 + [
        ("telegram", CHAT, "completion-rate", "id", now - timedelta(days=1)),
        ("telegram", "-999", "completion-rate", "nl", now),  # another group's
    ]
    await repo.record_questions(rows)
    await repo.add_example(CHAT and "telegram", CHAT, "buyer wants out <b>now</b>", "en",
                           "buyer-cancel-request", "unsure-choice")  # fmt: skip
    link = await dashboard_link(feed, standin)
    assert link.startswith(site)

    def sign_in_and_read_the_chart() -> dict[str, Any]:
        page.goto(link)
        bars = page.locator('svg[data-chart="situations"] rect.bar')
        today = now.date().isoformat()
        return {
            "title": page.title(),
            "bars": {
                (b.get_attribute("data-column"), b.get_attribute("data-series")):
                int(b.get_attribute("data-value") or 0)
                for b in bars.all()
            },
            "today": today,
            "languages": page.locator('svg[data-chart="languages"] rect.bar').count(),
        }  # fmt: skip

    seen = await browser.run(sign_in_and_read_the_chart)
    assert "dashboard" in seen["title"].lower()
    yesterday = (now - timedelta(days=1)).date().isoformat()
    assert seen["bars"] == {
        (seen["today"], "seller-cancel"): 3,
        (yesterday, "completion-rate"): 1,
    }
    assert seen["languages"] == 2  # en and id; the other group's nl is not there

    def confirm_the_suggestion() -> str:
        page.click("text=Questions")
        row = page.locator("#suggested tr[data-example]")
        assert "buyer wants out <b>now</b>" in row.inner_text()  # shown as text, not markup
        row.locator("button[value=confirm]").click()
        page.wait_for_load_state()
        return page.locator("#decided").inner_text()

    decided = await browser.run(confirm_the_suggestion)
    assert "confirmed" in decided
    (example,) = await repo.list_examples("telegram", CHAT)
    assert (example.status, example.answer) == ("confirmed", "buyer-cancel-request")

    def edit_a_note() -> str:
        page.click("text=Notes")
        section = page.locator('section[data-situation="seller-cancel"]')
        section.locator("textarea").fill("Ask in #help first")
        section.locator("button", has_text="Save").click()
        page.wait_for_load_state()
        return page.locator('section[data-situation="seller-cancel"] textarea').input_value()

    assert await browser.run(edit_a_note) == "Ask in #help first"
    assert await repo.get_note("telegram", CHAT, "seller-cancel") == "Ask in #help first"
    log = await repo.list_actions("telegram", CHAT)
    assert [a.action for a in log][:3] == ["note.set", "example.confirm", "dashboard.link"]

    def reuse_the_link() -> str:
        page.goto(link)
        return page.locator("#message").inner_text()

    assert "already used" in await browser.run(reuse_the_link)
