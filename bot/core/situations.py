"""The situations the assistant knows, as language-neutral data.

The text for every key lives in the catalogs (``locales/<lang>/LC_MESSAGES/sellerbot.po``);
this module only fixes the shape: which steps and notes a situation has and which source
documents it rests on. Message ids are derived from it with :func:`message_ids`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    """One situation a seller can be in, and the shape of its answer.

    Attributes:
        id: Stable id (catalog keys, button tokens, storage).
        steps: Numbered steps of its answer.
        notes: Notes under the steps.
        sources: Seed documents it rests on (:data:`SOURCES`).
        related: Situations offered after it.
        deadline_hours: A deadline the seller must answer within, counted from the request
            (seed 000: 48 hours for a buyer's cancellation request); its answer offers
            reminders before it. None when there is none.
    """

    id: str
    steps: int
    notes: int
    sources: tuple[str, ...]
    related: tuple[str, ...] = ()
    deadline_hours: int | None = None

    @property
    def offers_reminders(self) -> bool:
        """Whether its answer offers "remind me" buttons (it has a deadline)."""
        return self.deadline_hours is not None

    def key(self, part: str) -> str:
        """The catalog message id of one part of this situation's answer."""
        return f"{self.id}.{part}"

    def step_keys(self) -> tuple[str, ...]:
        return tuple(self.key(f"step.{n}") for n in range(1, self.steps + 1))

    def note_keys(self) -> tuple[str, ...]:
        return tuple(self.key(f"note.{n}") for n in range(1, self.notes + 1))


#: Source documents in ../shared/seeds, by their number. Display names are catalog messages.
SOURCES: tuple[str, ...] = ("000", "001", "002", "003", "004")

SITUATIONS: tuple[Situation, ...] = (
    Situation(
        id="buyer-cancel-request",
        steps=5,
        notes=2,
        sources=("000", "004", "002"),
        related=("ordered-by-mistake", "unhappy-with-delivery"),
        deadline_hours=48,
    ),
    Situation(
        id="ordered-by-mistake",
        steps=6,
        notes=1,
        sources=("004",),
        related=("buyer-cancel-request", "unhappy-with-delivery"),
    ),
    Situation(
        id="unhappy-with-delivery",
        steps=6,
        notes=1,
        sources=("003", "001"),
        related=("seller-cancel", "buyer-cancel-request"),
    ),
    Situation(
        id="seller-cancel",
        steps=6,
        notes=2,
        sources=("002", "004", "003"),
        related=("ordered-by-mistake", "general-advice"),
    ),
    Situation(
        id="completion-rate",
        steps=5,
        notes=2,
        sources=("004", "003", "000", "002"),
        related=("ordered-by-mistake", "buyer-cancel-request", "seller-cancel"),
    ),
    Situation(
        id="general-advice",
        steps=7,
        notes=0,
        sources=("004", "002"),
        related=("buyer-cancel-request", "seller-cancel"),
    ),
)

BY_ID: dict[str, Situation] = {s.id: s for s in SITUATIONS}


#: The situation reminders are about (the one with a deadline; a test checks there is one).
WITH_DEADLINE: Situation = next(s for s in SITUATIONS if s.deadline_hours)


def get(situation_id: str) -> Situation | None:
    """The situation with this id, or None."""
    return BY_ID.get(situation_id)


def message_ids() -> list[str]:
    """Every catalog message id the situations need."""
    ids: list[str] = []
    for s in SITUATIONS:
        ids += [s.key("title"), s.key("intro"), *s.step_keys(), *s.note_keys()]
    ids += [f"source.{code}" for code in SOURCES]
    return ids
