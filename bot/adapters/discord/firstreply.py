"""The first reply to an interaction, tried again when the line or a limit got in the way.

The reply must reach Discord within 3 seconds or the member sees "This interaction failed".
discord.py gives up at once on a 429 that carries no ``Via`` header (as a proxy in front of
Discord may send it) and on a dropped connection (it retries only Windows' and macOS's reset
codes, not Linux's): here such a first reply is tried again, quickly, while the window lasts.
If the dropped attempt had in fact arrived, Discord says the interaction is already answered
(40060): that is success.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 3
PAUSE = 0.1  # seconds; doubled each time, well inside the 3-second window
ALREADY_ANSWERED = 40060


async def first_reply(send: Callable[[], Awaitable[T]]) -> T | None:
    """Run ``send`` (an ``interaction.response`` call); None when an earlier try had arrived.

    Raises:
        discord.HTTPException: refused for another reason, or still failing after
            :data:`ATTEMPTS` tries.
    """
    for attempt in range(ATTEMPTS):
        try:
            return await send()
        except discord.HTTPException as exc:
            if attempt and exc.code == ALREADY_ANSWERED:
                return None  # the dropped try had reached Discord
            if exc.status != 429 or attempt == ATTEMPTS - 1:
                raise
            reason = "rate limited"
        except (aiohttp.ClientConnectionError, ConnectionResetError):
            if attempt == ATTEMPTS - 1:
                raise
            reason = "connection dropped"
        log.warning("first reply failed (%s); trying again", reason, extra={"attempt": attempt + 1})
        await asyncio.sleep(PAUSE * 2**attempt)
    raise AssertionError("unreachable")
