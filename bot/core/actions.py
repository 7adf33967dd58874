"""Button tokens: the state a button carries, so any process can answer it after a restart.

A token is ``sb1:<lang>:<verb>:<arg>``; it fits Telegram's 64-byte callback_data and Discord's
100-character custom_id. Verbs: ``w`` walk the decision steps (arg: the path of choice ids
joined by ``.``), ``s`` show a situation, ``f`` feedback (``<situation>.<1|0>``), ``h`` help.
Anything that does not parse, or whose walk path is no longer in the graph, is *stale*.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import tokens

PREFIX = "sb1"
MAX_BYTES = tokens.MAX_BYTES
#: The registry's families of the core's verbs, and the field each one's argument is.
_FAMILIES = {
    "w": (tokens.WALK, "path"),
    "s": (tokens.SHOW, "situation"),
    "f": (tokens.FEEDBACK, "vote"),
    "h": (tokens.HELP, "rest"),
    "c": (tokens.CHOSEN, "pick"),
}
_VERBS = {family.name: (verb, field) for verb, (family, field) in _FAMILIES.items()}


@dataclass(frozen=True)
class Action:
    """A core button: its language, verb (``w``, ``s``, ``f``, ``h``) and argument."""

    lang: str
    verb: str
    arg: str

    @property
    def token(self) -> str:
        family, field = _FAMILIES[self.verb]
        return family.form.format(lang=self.lang, **{field: self.arg})


def walk(lang: str, path: tuple[str, ...]) -> str:
    return Action(lang, "w", ".".join(path)).token


def situation(lang: str, situation_id: str) -> str:
    return Action(lang, "s", situation_id).token


def feedback(lang: str, situation_id: str, helpful: bool, question: str | None = None) -> str:
    """A vote; ``question`` is the kept question's reference (see :func:`chosen`), when the
    answer was to one: "not helpful" then offers choices that carry it."""
    vote = f"{situation_id}.{int(helpful)}"
    return Action(lang, "f", f"{vote}.{question}" if question else vote).token


def chosen(lang: str, situation_id: str, via: str, question: str) -> str:
    """A pick of ``situation_id`` for the kept question ``question`` (12 hex digits), offered
    ``via`` the "not sure" choices (``u``) or after "not helpful" (``n``)."""
    return Action(lang, "c", f"{situation_id}.{via}.{question}").token


def vote_of(arg: str) -> tuple[str, str, str | None]:
    """A feedback argument's situation, vote (``1``/``0``) and kept question, if any."""
    parts = arg.split(".")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    sid, _, vote = arg.rpartition(".")
    return sid, vote, None


def pick_of(arg: str) -> tuple[str, str, str]:
    """A pick's situation, how it was offered (``u``/``n``) and the kept question."""
    sid, via, question = arg.split(".")
    return sid, via, question


def help_menu(lang: str) -> str:
    return Action(lang, "h", "").token


def parse(token: str | None) -> Action | None:
    """The action in a token, or None when it is malformed, too long or forged."""
    found = tokens.parse(token, *_VERBS)
    if found is None:
        return None
    verb, field = _VERBS[found.family]
    return Action(found["lang"], verb, found[field])


def in_language(token: str, lang: str) -> str:
    """The same button in another language (a menu still on screen after a language change);
    a token that does not parse is returned as it is."""
    action = parse(token)
    return token if action is None else Action(lang, action.verb, action.arg).token


def walk_path(arg: str) -> tuple[str, ...]:
    return tuple(p for p in arg.split(".") if p) if arg else ()
