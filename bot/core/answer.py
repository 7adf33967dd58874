"""The platform-neutral answer value that adapters and templates turn into messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class AnswerKind(StrEnum):
    """What an answer is."""

    SITUATION = "situation"  # a guide
    STEP = "step"  # a decision-step question
    UNSURE = "unsure"  # routing not confident: pick one
    OFFTOPIC = "offtopic"  # not about an order going wrong
    HELP = "help"  # what the bot can help with
    SITUATIONS = "situations"  # the situations as a menu
    UNHELPFUL = "unhelpful"  # after "not helpful": the other answers and the decision steps
    NOTICE = "notice"  # a short message such as "saved"
    STALE = "stale"  # a button out of date: a fresh menu


class ChoiceKind(StrEnum):
    """What a button does (platforms style and place buttons by it)."""

    SITUATION = "situation"  # open a guide
    ALSO = "also"  # "Also about: ...": the post's second question
    WALK = "walk"  # a step of the decision steps
    BACK = "back"
    RESTART = "restart"
    HELP = "help"
    FEEDBACK = "feedback"  # "was this helpful?" yes / no
    SHARE = "share"  # post the guide for everyone
    REMIND = "remind"  # remind me before the deadline
    REMOVE = "remove"  # unpin, remove a note, cancel a reminder
    EDIT = "edit"  # open a form
    UPDATE = "update"  # show the figures again, update outdated pins
    LANGUAGE = "language"  # pick a language
    FOLLOW = "follow"  # follow each member's language


class Choice(NamedTuple):
    """A button: its label and the token it carries (see :mod:`bot.core.tokens`).

    (A tuple: hashable and compared by value, like the answer that holds it.)
    """

    token: str
    label: str
    kind: ChoiceKind = ChoiceKind.SITUATION


@dataclass(frozen=True)
class Answer:
    """What the bot says, before any platform formatting (``kind``: see :class:`AnswerKind`)."""

    kind: AnswerKind
    lang: str
    title: str
    intro: str = ""
    steps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    feedback: tuple[Choice, ...] = ()
    situation: str | None = None
    community_note: str | None = None
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def buttons(self) -> tuple[Choice, ...]:
        """Every button an adapter should show: the choices, then the feedback row."""
        return self.choices + self.feedback
