"""Logging configuration: plain text for people, one JSON object per line for machines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from bot.redaction import RedactSecrets

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        data.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_text:  # already redacted by the handler's filter
            data["exc"] = record.exc_text
        elif record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        return base + ("  " + " ".join(f"{k}={v}" for k, v in extra.items()) if extra else "")


class WithRole(logging.Filter):
    """Adds the process's role (``telegram-worker-2``, ``discord-shards-0-1``) to each line."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def filter(self, record: logging.LogRecord) -> bool:
        record.role = self.role
        return True


def setup(
    level: str | None = "INFO",
    fmt: str = "text",
    secrets: Iterable[str | None] = (),
    role: str | None = None,
) -> None:
    """Log to stderr at ``level`` (INFO when None), as text or JSON lines; ``secrets`` (and
    anything shaped like a platform token) never appear (see :mod:`bot.redaction`); ``role``,
    when given, is in every line (several processes, one log collector)."""
    level = level or "INFO"
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets(secrets))
    if role:
        handler.addFilter(WithRole(role))
    text = TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if fmt == "json" else text)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Telegram URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
