"""Value conversions shared by storage backends.

Kept backend-neutral so that every backend (SQLite now, PostgreSQL later) derives the same
member hashes and normalised texts from the same inputs, and data can move between them.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

#: Longest unrouted question text kept, in characters.
MAX_UNROUTED_CHARS = 500

_SEPARATOR = "\x1f"


def hash_member_id(salt: str, platform: str, user_id: str) -> str:
    """Return the salted SHA-256 hex digest that stands in for a member id.

    The platform is part of the digest, so the same numeric id on two platforms gives two
    different hashes.

    Args:
        salt: The deployment's secret salt ("" when none is configured).
        platform: Platform name, e.g. "telegram".
        user_id: The platform's user id.

    Returns:
        A 64-character lowercase hex string.
    """
    material = _SEPARATOR.join((salt, platform, user_id)).encode("utf-8")
    return hashlib.sha256(material).hexdigest()


def normalise_text(text: str) -> str:
    """Return ``text`` lowercased, stripped, with runs of whitespace collapsed to one space."""
    return " ".join(text.split()).lower()


def clip_unrouted(text: str) -> str:
    """Return ``text`` stripped and cut to :data:`MAX_UNROUTED_CHARS` characters."""
    return text.strip()[:MAX_UNROUTED_CHARS]


def utc_or_now(at: datetime | None) -> datetime:
    """Return ``at`` converted to UTC, or the current UTC time when ``at`` is None.

    Raises:
        ValueError: If ``at`` is a naive datetime (its time zone would be a guess).
    """
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {at!r}")
    return at.astimezone(UTC)


def to_db_time(at: datetime) -> str:
    """Encode an aware datetime as fixed-width ISO 8601 UTC text (sorts chronologically)."""
    return utc_or_now(at).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    """Decode text written by :func:`to_db_time` into an aware UTC datetime."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
