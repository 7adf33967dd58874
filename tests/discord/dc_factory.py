"""INTERACTION_CREATE payloads built from the recorded envelopes in ``payloads/``."""

from __future__ import annotations

import copy
import itertools
import json
import secrets
import time
from functools import cache
from pathlib import Path
from typing import Any

from dc_standin import PIN_MESSAGES, snowflake

MANAGE_GUILD = 1 << 5

HERE = Path(__file__).parent / "payloads"
GUILD_ID = 700000000000000001
CHANNEL_ID = 710000000000000001
DM_CHANNEL_ID = 720000000000000001
MEMBER_ID = 800000000000000001
_seq = itertools.count(1)


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text("utf-8"))
    return data


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(_load(name))


def envelope(
    kind: int,
    *,
    where: str = "guild",
    locale: str = "en-US",
    user_id: int | None = None,
    moderator: bool = False,
    manage: bool | None = None,
    bot_can_pin: bool = True,
    age: float = 0.0,
    guild_id: int | None = None,
) -> dict[str, Any]:
    """The common part: ids, token, where, who and their locale.

    ``moderator`` grants Pin Messages, ``manage`` Manage Server (default: as ``moderator``).
    ``age`` makes the interaction that many seconds old (its id encodes when it was created).
    """
    p = fixture(where)
    p["id"] = str(snowflake(time.time() - age, next(_seq)))
    p["token"] = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(24)
    p["type"] = kind
    p["locale"] = locale
    if where == "guild":
        member = p["member"]
        if user_id is not None:
            member["user"]["id"] = str(user_id)
        perms = int(member["permissions"])
        perms = perms | PIN_MESSAGES if moderator else perms & ~PIN_MESSAGES
        manage = moderator if manage is None else manage
        member["permissions"] = str(perms | MANAGE_GUILD if manage else perms & ~MANAGE_GUILD)
        if guild_id is not None:
            p["guild_id"] = p["guild"]["id"] = p["channel"]["guild_id"] = str(guild_id)
        app = int(p["app_permissions"])
        p["app_permissions"] = str(app | PIN_MESSAGES if bot_can_pin else app & ~PIN_MESSAGES)
    elif user_id is not None:
        p["user"]["id"] = str(user_id)
    return p


def slash(name: str, options: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A chat-input command (type 2), options by their default names."""
    p = envelope(2, **kw)
    p["data"] = {
        "id": "910000000000000001", "name": name, "type": 1,
        "options": [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()],
    }  # fmt: skip
    return p


def _option(name: str, value: Any) -> dict[str, Any]:
    return {"name": name, "type": 5 if isinstance(value, bool) else 3, "value": value}


def subcommand(
    group: str, name: str, options: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    """A subcommand of a group (``/mod stats``): type 2 with one type-1 option."""
    p = envelope(2, **kw)
    p["data"] = {
        "id": "910000000000000002", "name": group, "type": 1,
        "options": [{"name": name, "type": 1,
                     "options": [_option(k, v) for k, v in (options or {}).items()]}],
    }  # fmt: skip
    return p


def modal_submit(custom_id: str, values: dict[str, str], **kw: Any) -> dict[str, Any]:
    """A modal submit (type 5): one action row with one text input per value."""
    p = envelope(5, **kw)
    p["data"] = {
        "custom_id": custom_id,
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ],
    }
    return p


def autocomplete(name: str, option: str, value: str, **kw: Any) -> dict[str, Any]:
    """An autocomplete request (type 4) with ``option`` focused."""
    p = envelope(4, **kw)
    p["data"] = {
        "id": "910000000000000001", "name": name, "type": 1,
        "options": [{"name": option, "type": 3, "value": value, "focused": True}],
    }  # fmt: skip
    return p


def message_command(name: str, message: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """A message context-menu command (type 2, data type 3) on ``message``."""
    p = envelope(2, **kw)
    p["data"] = {
        "id": "910000000000000009", "name": name, "type": 3, "target_id": message["id"],
        "resolved": {"messages": {message["id"]: message}},
    }  # fmt: skip
    return p


def component(
    message: dict[str, Any], custom_id: str, values: list[str] | None = None, **kw: Any
) -> dict[str, Any]:
    """A button or select press (type 3) on ``message``, as Discord sends it: with the message."""
    p = envelope(3, **kw)
    kind = 2
    for row in message.get("components", []):
        for c in row.get("components", []):
            if c.get("custom_id") == custom_id:
                kind = c["type"]
    p["message"] = copy.deepcopy(message)
    p["data"] = {"custom_id": custom_id, "component_type": kind}
    if kind == 3:
        p["data"]["values"] = values or []
    return p


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components", [])
        for c in row.get("components", [])
        if "custom_id" in c
    ]


def options_of(message: dict[str, Any], custom_id: str) -> list[str]:
    for row in message.get("components", []):
        for c in row.get("components", []):
            if c.get("custom_id") == custom_id:
                return [o["value"] for o in c.get("options", [])]
    return []
