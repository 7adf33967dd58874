"""The pin features written once (Moderation.pin / unpin) over a platform's PinSurface.

The surface here is a small recording double; each platform's own surface is tested through
its real library against its stand-in server (tests/telegram, tests/discord).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.core.answer import Answer
from bot.core.engine import Core
from bot.moderation.permissions import Actor
from bot.moderation.pins import EditOutcome
from bot.moderation.refusals import NotAllowed
from bot.moderation.service import Moderation
from bot.moderation.surface import PinResult
from bot.storage import PinRecord, SqliteRepository
from bot.storage.errors import StorageError

SID = "seller-cancel"
MOD = Actor("discord", "100", is_moderator=True)
PINNER = Actor("discord", "200", is_moderator=False, can_pin=True)
MEMBER = Actor("discord", "300", is_moderator=False)


@dataclass
class Surface:
    allowed: bool = True
    pin_result: PinResult = "pinned"
    unpin_ok: bool = True
    posted: list[Answer] = field(default_factory=list)
    unpinned: list[str] = field(default_factory=list)

    async def can_pin(self) -> bool:
        return self.allowed

    async def post(self, answer: Answer) -> str | None:
        self.posted.append(answer)
        return f"ch-{len(self.posted)}"

    async def pin(self, ref: str) -> PinResult:
        return self.pin_result

    async def unpin(self, ref: str) -> bool:
        self.unpinned.append(ref)
        return self.unpin_ok

    async def edit(self, pin: PinRecord) -> EditOutcome:
        return "edited"


@pytest.fixture
def moderation(core: Core, repo: SqliteRepository) -> Moderation:
    return Moderation(core, repo)


async def test_a_pin_is_posted_with_the_note_pinned_recorded_and_logged(
    moderation: Moderation, repo: SqliteRepository
) -> None:
    await repo.set_note("discord", "g1", SID, "Ask in #help", "100")
    surface = Surface()
    assert await moderation.pin(PINNER, "g1", SID, "nl", surface) == ("pinned", "ch-1")
    assert surface.posted[0].lang == "nl" and surface.posted[0].community_note == "Ask in #help"
    [pin] = await repo.list_pins("discord", "g1")
    assert (pin.message_id, pin.situation, pin.lang) == ("ch-1", SID, "nl")
    assert [a.action for a in await repo.list_actions("discord", "g1")] == ["pin.add"]


@pytest.mark.parametrize(
    ("surface", "outcome", "posted"),
    [
        (Surface(allowed=False), "cannot_pin", 0),
        (Surface(pin_result="refused"), "refused", 1),
        (Surface(pin_result="failed"), "failed", 1),
    ],
)
async def test_a_pin_that_does_not_happen_leaves_no_record(
    moderation: Moderation, repo: SqliteRepository, surface: Surface, outcome: str, posted: int
) -> None:
    assert (await moderation.pin(MOD, "g1", SID, "en", surface))[0] == outcome
    assert len(surface.posted) == posted
    assert await repo.list_pins("discord") == [] and await repo.list_actions("discord", "g1") == []


async def test_a_pin_that_cannot_be_recorded_is_taken_back(
    moderation: Moderation, repo: SqliteRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise StorageError("disk full")

    monkeypatch.setattr(repo, "record_pin", broken)
    surface = Surface()
    assert await moderation.pin(MOD, "g1", SID, "en", surface) == ("not_saved", "ch-1")
    assert surface.unpinned == ["ch-1"]  # no pinned guide without its record
    assert await repo.list_actions("discord", "g1") == []


async def test_unpin_forgets_only_what_the_platform_unpinned(
    moderation: Moderation, repo: SqliteRepository
) -> None:
    await repo.record_pin("discord", "g1", "5-7", SID, "en", "v1")
    refusing = Surface(unpin_ok=False)
    outcome, pin = await moderation.unpin(MOD, "g1", lambda p: p.message_id == "5-7", refusing)
    assert outcome == "refused" and pin is not None
    assert len(await repo.list_pins("discord", "g1")) == 1  # kept, to try again
    assert (await moderation.unpin(MOD, "g1", lambda p: False, Surface()))[0] == "unknown"
    outcome, pin = await moderation.unpin(PINNER, "g1", lambda p: True, Surface())
    assert outcome == "removed" and pin is not None and pin.message_id == "5-7"
    assert await repo.list_pins("discord", "g1") == []
    assert [a.action for a in await repo.list_actions("discord", "g1")] == ["pin.remove"]


async def test_members_may_neither_pin_nor_unpin(
    moderation: Moderation, repo: SqliteRepository
) -> None:
    await repo.record_pin("discord", "g1", "5-7", SID, "en", "v1")
    surface = Surface()
    with pytest.raises(NotAllowed):
        await moderation.pin(MEMBER, "g1", SID, "en", surface)
    with pytest.raises(NotAllowed):
        await moderation.unpin(MEMBER, "g1", lambda p: True, surface)
    assert surface.posted == [] and surface.unpinned == []
    assert len(await repo.list_pins("discord", "g1")) == 1
