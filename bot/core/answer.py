"""The platform-neutral answer value that adapters and templates turn into messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Choice(NamedTuple):
    """A button: its label and the token it carries (see :mod:`bot.core.actions`).

    (A tuple: adapters key their cached views by answer and buttons, looked up per message.)
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

    def __hash__(self) -> int:
        # Answers key the adapters' embed and view caches, several lookups per message; a
        # guide's hash covers every step and button, so it is worked out once per answer.
        found = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.kind, self.lang, self.title, self.intro, self.steps, self.notes,
                          self.sources, self.choices, self.feedback, self.situation,
                          self.community_note))
            object.__setattr__(self, "_hash", found)
        return found

    @property
    def buttons(self) -> tuple[Choice, ...]:
        """Every button an adapter should show: the choices, then the feedback row."""
        return self.choices + self.feedback
