"""No secret reaches the logs, at any level.

Libraries log request URLs at DEBUG, and both platforms put secrets in URLs: the Telegram bot
token is part of every Bot API address, and Discord's interaction and webhook tokens are part
of the addresses that answer them. A filter on the log handlers rewrites every record's final
text: the configured secrets by value, and the token shapes of both platforms by pattern.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
_PATTERNS = (
    # a Telegram bot token: "<bot id>:<35 characters>", alone or in /bot<token>/ URLs
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"),
    # Discord interaction and webhook tokens: /interactions/<id>/<token>, /webhooks/<id>/<token>
    re.compile(r"(?<=/interactions/)\d+/[^/\s'\"?]+|(?<=/webhooks/)\d+/[^/\s'\"?]+"),
    # a Discord bot token: three dot-separated base64 parts
    re.compile(r"\b[MNO][A-Za-z\d_-]{22,}\.[A-Za-z\d_-]{5,}\.[A-Za-z\d_-]{25,}"),
)


class RedactSecrets(logging.Filter):
    """Rewrites records so neither the given secrets nor token-shaped strings appear."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in ("msg", "message", "exc_text"):
                record.__dict__[key] = self.redact(value)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True
