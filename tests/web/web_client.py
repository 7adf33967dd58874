"""What the dashboard tests share: the app's secret and address, and signing in."""

from __future__ import annotations

import httpx

from bot.storage.sql import SqlRepository
from bot.web.links import issue_link

SECRET = "test-secret-of-the-dashboard-0123456789"
BASE = "http://dashboard.test"


async def sign_in(client: httpx.AsyncClient, repo: SqlRepository, platform: str, chat: str) -> str:
    """Sign ``client`` in to one community through a fresh link; the page's CSRF token."""
    link = await issue_link(repo, BASE, platform, chat)
    found = await client.get(link.removeprefix(BASE))
    assert found.status_code == 303, found.text
    page = await client.get("/questions")
    assert page.status_code == 200
    return csrf_of(page.text)


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
