"""Parsing of storage URLs (the ``database`` setting)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.storage.errors import StorageError

ACCEPTED_FORMS = (
    "a file path (data/sellerbot.db), sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "sqlite:///:memory: or postgresql://user:password@host:port/database"
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})
_POSTGRES_DRIVERS = frozenset({"", "asyncpg"})


def _scheme(text: str) -> str | None:
    match = _SCHEME.match(text)
    # One letter before ":" is a Windows drive (C:\...), not a scheme.
    return match.group(1).lower() if match and len(match.group(1)) > 1 else None


def is_postgres(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database (``postgresql://``, ``postgres://``,
    ``postgresql+asyncpg://``)."""
    scheme = _scheme(url.strip())
    return scheme is not None and scheme.split("+", 1)[0] in _POSTGRES_SCHEMES


def postgres_url(url: str) -> str:
    """The SQLAlchemy URL of a PostgreSQL storage URL: the same database, through asyncpg.

    Raises:
        StorageError: Not a PostgreSQL URL with a host and database, or another driver.
    """
    text = url.strip()
    scheme = _scheme(text)
    base, _, driver = (scheme or "").partition("+")
    if base not in _POSTGRES_SCHEMES or driver not in _POSTGRES_DRIVERS:
        raise StorageError(
            f"unsupported PostgreSQL URL {redact(text)!r}; use "
            "postgresql://user:password@host:port/database (the asyncpg driver)"
        )
    rest = text.split("://", 1)[1] if "://" in text else ""
    if not rest.strip("/"):
        raise StorageError(
            f"the PostgreSQL URL {redact(text)!r} names no server; use "
            "postgresql://user:password@host:port/database"
        )
    return f"postgresql+asyncpg://{rest}"


def sqlite_path(url: str) -> str:
    """Return the SQLite database path a storage URL designates.

    Args:
        url: A plain path, ``sqlite:///relative/path.db``, ``sqlite:////abs/path.db`` or
            ``sqlite:///:memory:``.

    Returns:
        The path (``~`` expanded for plain paths), or ``":memory:"``.

    Raises:
        StorageError: For PostgreSQL URLs (not a file: see :func:`is_postgres`) and any other
            form.
    """
    text = url.strip()
    if not text:
        raise StorageError(f"empty storage URL; use {ACCEPTED_FORMS}")
    scheme = _scheme(text)
    if scheme is None:
        return str(Path(text).expanduser())
    if is_postgres(text):
        raise StorageError(f"{redact(text)!r} is a PostgreSQL URL, not a SQLite file")
    if scheme != "sqlite" or not text.lower().startswith("sqlite:///"):
        raise StorageError(f"unsupported storage URL {redact(text)!r}; use {ACCEPTED_FORMS}")
    path = text[len("sqlite:///") :]
    if not path or "?" in path or "#" in path:
        raise StorageError(
            f"unsupported SQLite URL {text!r} (no file name, or query/fragment); "
            f"use {ACCEPTED_FORMS}"
        )
    return path


def redact(url: str) -> str:
    """Hide a password in ``scheme://user:password@host`` so it never reaches logs."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
