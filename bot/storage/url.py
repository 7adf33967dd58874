"""Parsing of storage URLs (the ``database`` setting)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.storage.errors import StorageError

ACCEPTED_FORMS = (
    "a file path (data/sellerbot.db), sqlite:///relative/path.db, sqlite:////absolute/path.db "
    "or sqlite:///:memory:"
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})


def sqlite_path(url: str) -> str:
    """Return the SQLite database path a storage URL designates.

    Args:
        url: A plain path, ``sqlite:///relative/path.db``, ``sqlite:////abs/path.db`` or
            ``sqlite:///:memory:``.

    Returns:
        The path (``~`` expanded for plain paths), or ``":memory:"``.

    Raises:
        StorageError: For PostgreSQL URLs (not available yet) and any other form.
    """
    text = url.strip()
    if not text:
        raise StorageError(f"empty storage URL; use {ACCEPTED_FORMS}")
    match = _SCHEME.match(text)
    # One letter before ":" is a Windows drive (C:\...), not a scheme.
    scheme = match.group(1).lower() if match and len(match.group(1)) > 1 else None
    if scheme is None:
        return str(Path(text).expanduser())
    if scheme.split("+", 1)[0] in _POSTGRES_SCHEMES:
        raise StorageError(
            "PostgreSQL storage is not available yet; use SQLite for now: " + ACCEPTED_FORMS
        )
    if scheme != "sqlite" or not text.lower().startswith("sqlite:///"):
        raise StorageError(f"unsupported storage URL {_redact(text)!r}; use {ACCEPTED_FORMS}")
    path = text[len("sqlite:///") :]
    if not path or "?" in path or "#" in path:
        raise StorageError(
            f"unsupported SQLite URL {text!r} (no file name, or query/fragment); "
            f"use {ACCEPTED_FORMS}"
        )
    return path


def _redact(url: str) -> str:
    """Hide a password in ``scheme://user:password@host`` so it never reaches logs."""
    return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
