"""The platform-neutral answer value that adapters and templates turn into messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Choice(NamedTuple):
    """A button: its label and the token it carries (see :mod:`bot.core.actions`).

    (A tuple: hashable and compared by value, like the answer that holds it.)
    """

    token: str
    label: str
    kind: str = "situation"  # situation, also ("Also about"), walk, back, restart, feedback, help


@dataclass(frozen=True)
class Answer:
    """What the bot says, before any platform formatting.

    ``kind`` is one of: ``situation`` (a guide), ``step`` (a decision-step question),
    ``unsure`` (routing not confident: pick one), ``offtopic``, ``help``, ``unhelpful``
    (after a "not helpful" vote: the other answers and the decision steps), ``notice``
    (a short message such as "saved" or "out of date").
    """

    kind: str
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
