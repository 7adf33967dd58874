"""Flood limits (PTB's AIORateLimiter, which honours 429 retry_after) and network retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

#: Bot API methods whose repeat is a second effect (a second message), not the same one.
NOT_REPEATABLE = ("send", "forward", "copy")


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries network errors and 5xx answers, with backoff.

    429 answers are retried by AIORateLimiter after the server's ``retry_after``. Telegram's
    4xx refusals (BadRequest, Forbidden, ...) are not retried: they would fail again.
    """

    def __init__(
        self,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
        *,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1,
            group_max_rate=group_max_rate,
            group_time_period=60,
            max_retries=max_retries,
        )
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (NetworkError, TimedOut) as exc:
                if type(exc) not in (NetworkError, TimedOut) or attempt >= self.network_retries:
                    raise
                if isinstance(exc, TimedOut) and endpoint.startswith(NOT_REPEATABLE):
                    # The answer was late, but the message may well have been sent: sending
                    # it again would post it twice. (Edits, pins and reads are safe to repeat.)
                    raise
                delay = self.backoff * (2**attempt)
                attempt += 1
                log.warning(
                    "Bot API %s failed (%s); retry %d in %.2fs", endpoint, exc, attempt, delay
                )
                await asyncio.sleep(delay)
