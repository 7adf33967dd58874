"""No token reaches the logs: the records the platform libraries really write, at DEBUG."""

from __future__ import annotations

import io
import logging

from bot.redaction import REDACTED, RedactSecrets

TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
DC_INTERACTION = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3A"


def _logged(filt: RedactSecrets, *records: tuple[str, str, tuple[object, ...]]) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(filt)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(url)s"))
    for name, msg, args in records:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            logger.debug(msg, *args, extra={"url": f"https://api.telegram.org/bot{TG_TOKEN}/x"})
        finally:
            logger.removeHandler(handler)
    return out.getvalue()


def test_platform_tokens_are_redacted_by_value_and_by_shape() -> None:
    text = _logged(
        RedactSecrets([TG_TOKEN]),
        (
            "telegram.ext.ExtBot",
            "Calling Bot API endpoint %s with %r",
            (f"https://api.telegram.org/bot{TG_TOKEN}/getMe", {}),
        ),
        (
            "discord.http",
            "POST %s with None has returned 204",
            (f"https://discord.com/api/v10/interactions/1234567890/{DC_INTERACTION}/callback",),
        ),
        (
            "discord.webhook.async_",
            "PATCH https://discord.com/api/v10/webhooks/99/%s/messages/@original",
            (DC_INTERACTION,),
        ),
    )
    assert TG_TOKEN not in text and DC_INTERACTION not in text
    assert TG_TOKEN.split(":")[1] not in text
    assert text.count(REDACTED) >= 6  # every message and every url extra
    assert "getMe" in text and "/callback" in text  # what happened is still readable


def test_a_configured_secret_is_redacted_in_tracebacks() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactSecrets(["s3cr3t-webhook-value"]))
    logger = logging.getLogger("sellerbot.test.redaction")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("bad header s3cr3t-webhook-value")
        except ValueError:
            logger.exception("webhook failed")
    finally:
        logger.removeHandler(handler)
    assert "s3cr3t-webhook-value" not in out.getvalue()
    assert "ValueError" in out.getvalue()
