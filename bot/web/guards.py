"""The dashboard's guards at the edge: security headers on every response, bounded form bodies,
row ids in range, and the key a client's sign-in attempts are counted under."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: A form's body at most (the longest, a note of 300 characters, is a few kilobytes encoded).
FORM_BYTES = 64 * 1024
#: Fields a form may have, and bytes a field may take (encoded), at most.
FORM_FIELDS = 20
FORM_FIELD_BYTES = 16 * 1024
#: Row ids the storage can hold (a 32-bit signed integer on PostgreSQL).
MAX_ID = 2**31 - 1
#: The IPv6 prefix one client is counted under (one host usually has a whole /64).
IPV6_PREFIX = 64


class BadForm(Exception):
    """A form that is not read: too large (413), not a plain form (415), malformed (400)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def read_form(request: Request) -> FormData:
    """The posted form, read within :data:`FORM_BYTES`, :data:`FORM_FIELDS` and
    :data:`FORM_FIELD_BYTES` (a body without a length is still bounded by the last two);
    ``application/x-www-form-urlencoded`` only (the pages' forms post no files).

    Raises:
        BadForm: With the HTTP status to answer.
    """
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise BadForm(415)
    length = request.headers.get("content-length")
    try:
        if length is not None and int(length) > FORM_BYTES:
            raise BadForm(413)
    except ValueError:
        raise BadForm(400) from None
    try:
        return await request.form(
            max_files=0, max_fields=FORM_FIELDS, max_part_size=FORM_FIELD_BYTES
        )
    except HTTPException:  # the parser's limits
        raise BadForm(413) from None


def row_id(value: str | None) -> int:
    """A storage row id from a form field.

    Raises:
        ValueError: For anything but a whole number from 1 to :data:`MAX_ID`.
    """
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 0 < int(text) <= MAX_ID:
        raise ValueError(f"not a row id: {text[:20]!r}")
    return int(text)


def client_key(host: str | None) -> str:
    """What a client's sign-in attempts are counted under: its address, or for IPv6 its /64
    network (a host rotates freely within it)."""
    if not host:
        return "?"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


class SecurityHeaders:
    """Adds ``headers`` to every HTTP response that lacks them: pages, redirects, and
    Starlette's own answers (404, 405, a refused form), so none may be framed, cached, sniffed
    or load anything from elsewhere."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = dict(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
