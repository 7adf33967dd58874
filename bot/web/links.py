"""One-time sign-in links to the dashboard: a random token, kept only as its hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from bot.storage import Repository

#: How long a link opens a session.
LINK_TTL = timedelta(minutes=10)


def token_hash(token: str) -> str:
    """What storage keeps of a link's token (SHA-256: the token has 256 random bits)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def issue_link(
    repo: Repository, base_url: str, platform: str, chat_id: str, now: datetime | None = None
) -> str:
    """A new link that opens a session for one community, once, within :data:`LINK_TTL`."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    await repo.add_dashboard_link(platform, chat_id, token_hash(token), now + LINK_TTL, at=now)
    return f"{base_url.rstrip('/')}/login?token={quote(token)}"
