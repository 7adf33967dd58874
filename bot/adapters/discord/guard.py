"""One malformed gateway event costs that event, not the process.

discord.py reads each gateway event with a parser of its connection state; a parser that
raises (a modal submit without ``custom_id``, an interaction missing inner fields) propagates
out of the gateway loop and ends the client. Each parser is wrapped so such an event is logged
once, by its kind, and dropped.

Before that, each frame is decoded with orjson (when installed), which refuses a string
escape of a lone UTF-16 surrogate (``"\\ud800"``, valid JSON syntax): the error ends the
gateway loop, and with it the process. :func:`guard_json` reads such a frame with the standard
library instead, with every lone surrogate replaced by U+FFFD.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

import discord.utils

log = logging.getLogger(__name__)

_fast_loads: Callable[[Any], Any] = discord.utils._from_json


def guard_json() -> None:
    """Make discord.py's JSON reading (gateway frames, REST answers) tolerate lone
    surrogates; idempotent."""
    discord.utils._from_json = read_json


def read_json(text: Any) -> Any:
    """JSON as discord.py reads it (orjson when installed); a document orjson refuses for a
    lone surrogate is read by the standard library, the surrogate replaced by U+FFFD."""
    try:
        return _fast_loads(text)
    except ValueError:  # orjson.JSONDecodeError is a ValueError; so is json's
        if _fast_loads is json.loads:
            raise
    value = json.loads(text)  # raises as before when the document is not JSON at all
    log.warning("read a gateway or REST document with a lone surrogate")
    return _scrub(value)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def guard_parsers(parsers: dict[str, Callable[[Any], Any]]) -> None:
    """Wrap every parser in ``parsers`` (discord.py's ``ConnectionState.parsers``) in place."""
    for event, parse in list(parsers.items()):
        if not getattr(parse, "_guarded", False):
            parsers[event] = _guarded(event, parse)


def _snowflake(value: Any) -> bool:
    return (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 21) or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64
    )


#: What each interaction type's ``data`` must hold, and of which type (discord.py reads these
#: later, in tasks of its own, where an error is a traceback instead of a dropped event).
_DATA_FIELDS: dict[int, dict[str, type]] = {
    2: {"name": str},
    3: {"custom_id": str, "component_type": int},
    4: {"name": str},
    5: {"custom_id": str, "components": list},
}


def interaction_problem(data: Any) -> str | None:
    """Why an INTERACTION_CREATE payload cannot be answered, or None when it can.

    Checks what the bot relies on to answer: the ids, the token, who sent it (a server
    member's user or a user), the locales, and the fields of ``data`` its type needs.
    """
    if not isinstance(data, dict):
        return "not an object"
    if not (_snowflake(data.get("id")) and _snowflake(data.get("application_id"))):
        return "id"
    if not isinstance(data.get("token"), str) or not data["token"]:
        return "token"
    kind = data.get("type")
    if not isinstance(kind, int) or isinstance(kind, bool) or kind not in (1, *_DATA_FIELDS):
        return "type"
    for key in ("channel_id", "guild_id"):
        if key in data and data[key] is not None and not _snowflake(data[key]):
            return key
    # discord.py takes the sender from "member" in a server, else from "user"
    member = data.get("member") if data.get("guild_id") else data
    user = member.get("user") if isinstance(member, dict) else None
    if not isinstance(user, dict) or not _snowflake(user.get("id")):
        return "user"
    for key in ("locale", "guild_locale"):
        if key in data and not isinstance(data[key], str):
            return key
    fields = _DATA_FIELDS.get(kind, {})
    inner = data.get("data")
    if fields and not isinstance(inner, dict):
        return "data"
    for key, kind_of in fields.items():
        value = inner.get(key) if isinstance(inner, dict) else None
        if not isinstance(value, kind_of) or isinstance(value, bool):
            return f"data.{key}"
    if (
        kind == 5
        and isinstance(inner, dict)
        and not all(
            isinstance(row, dict)
            and isinstance(row.get("components"), list)
            and all(isinstance(c, dict) for c in row["components"])
            for row in inner["components"]
        )
    ):
        return "data.components"
    return None


def _guarded(event: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(parse)
    def run(data: Any) -> Any:
        if event == "INTERACTION_CREATE":
            problem = interaction_problem(data)
            if problem is not None:
                log.warning(
                    "dropped a malformed interaction",
                    extra={"problem": problem, "interaction_id": _id_of(data)},
                )
                return None
        try:
            return parse(data)
        except Exception as exc:
            log.warning(
                "dropped a gateway event that could not be read",
                extra={"event": event, "error": type(exc).__name__},
            )
            return None

    run._guarded = True  # type: ignore[attr-defined]
    return run


def _id_of(data: Any) -> str | None:
    value = data.get("id") if isinstance(data, dict) else None
    return str(value)[:24] if _snowflake(value) else None


class QuietExpiredAutocomplete(logging.Filter):
    """discord.py logs an autocomplete it could not answer with a traceback, from its own
    code, before any handler of ours can see it; when the cause is only that the 3 seconds had
    passed (10062 Unknown interaction: the member typed on), that is one quiet line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        expired = isinstance(error, discord.NotFound) and error.code == 10062
        if expired and record.getMessage().startswith("Ignoring exception in autocomplete"):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "autocomplete expired before the reply", ()
            record.exc_info = record.exc_text = None
        return True


def quiet_expired_autocomplete() -> None:
    """Install :class:`QuietExpiredAutocomplete` on discord.py's command-tree logger, once."""
    tree = logging.getLogger("discord.app_commands.tree")
    if not any(isinstance(f, QuietExpiredAutocomplete) for f in tree.filters):
        tree.addFilter(QuietExpiredAutocomplete())
