"""One malformed gateway event costs that event, not the process.

discord.py reads each gateway event with a parser of its connection state; a parser that
raises (a modal submit without ``custom_id``, an interaction missing inner fields) propagates
out of the gateway loop and ends the client. Each parser is wrapped so such an event is logged
once, by its kind, and dropped.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def guard_parsers(parsers: dict[str, Callable[[Any], Any]]) -> None:
    """Wrap every parser in ``parsers`` (discord.py's ``ConnectionState.parsers``) in place."""
    for event, parse in list(parsers.items()):
        if not getattr(parse, "_guarded", False):
            parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(parse)
    def run(data: Any) -> Any:
        try:
            return parse(data)
        except Exception as exc:
            log.warning("dropped a gateway event that could not be read",
                        extra={"event": event, "error": type(exc).__name__})
            return None

    run._guarded = True  # type: ignore[attr-defined]
    return run
