"""Button tokens: the state a button carries, so any process can answer it after a restart.

A token is ``sb1:<lang>:<verb>:<arg>``; it fits Telegram's 64-byte callback_data and Discord's
100-character custom_id. Verbs: ``w`` walk the decision steps (arg: the path of choice ids
joined by ``.``), ``s`` show a situation, ``f`` feedback (``<situation>.<1|0>``), ``h`` help.
Anything that does not parse, or whose walk path is no longer in the graph, is *stale*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "sb1"
MAX_BYTES = 64
_TOKEN = re.compile(r"^sb1:([a-z]{2,3}):([wsfh]):([a-z0-9.\-]{0,48})")


@dataclass(frozen=True)
class Action:
    lang: str
    verb: str
    arg: str

    @property
    def token(self) -> str:
        return f"{PREFIX}:{self.lang}:{self.verb}:{self.arg}"


def walk(lang: str, path: tuple[str, ...]) -> str:
    return Action(lang, "w", ".".join(path)).token


def situation(lang: str, situation_id: str) -> str:
    return Action(lang, "s", situation_id).token


def feedback(lang: str, situation_id: str, helpful: bool) -> str:
    return Action(lang, "f", f"{situation_id}.{int(helpful)}").token


def help_menu(lang: str) -> str:
    return Action(lang, "h", "").token


def parse(token: str | None) -> Action | None:
    """The action in a token, or None when it is malformed, too long or forged."""
    if not token or len(token.encode("utf-8")) > MAX_BYTES:
        return None
    m = _TOKEN.fullmatch(token)
    if m is None:
        return None
    return Action(m.group(1), m.group(2), m.group(3))


def in_language(token: str, lang: str) -> str:
    """The same button in another language (a menu still on screen after a language change);
    a token that does not parse is returned as it is."""
    action = parse(token)
    return token if action is None else Action(lang, action.verb, action.arg).token


def walk_path(arg: str) -> tuple[str, ...]:
    return tuple(p for p in arg.split(".") if p) if arg else ()
