"""Text from outside made safe to store and send: no lone surrogates.

A platform (or a forged request) can deliver a string with half of a surrogate pair; Python
keeps it, but UTF-8 (databases, HTTP bodies) cannot encode it, so one such character would fail
a whole write or reply. It becomes U+FFFD, the replacement character; all else is unchanged.
"""

from __future__ import annotations


def clean(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
