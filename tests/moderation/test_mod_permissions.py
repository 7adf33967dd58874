"""Every moderator action refuses non-moderators and logs what moderators did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.engine import Core
from bot.moderation import permissions, tokens
from bot.moderation.permissions import Actor, require
from bot.moderation.pins import EditOutcome, RefreshReport
from bot.moderation.refusals import NotAllowed, NoteRefused, Refused
from bot.moderation.service import Moderation
from bot.moderation.stats import Stats
from bot.storage import PinRecord, SqliteRepository

NOW = datetime(2024, 6, 30, tzinfo=UTC)
SID = "buyer-cancel-request"
MOD = Actor("discord", "100", is_moderator=True)
PINNER = Actor("discord", "200", is_moderator=False, can_pin=True)
MEMBER = Actor("discord", "300", is_moderator=False)


def test_require() -> None:
    assert require(MOD, chat_id="g1") == "g1"
    assert require(MOD, "pins", "g1") == "g1"
    assert require(PINNER, "pins", "g1") == "g1"
    for actor, need, chat_id, code in [
        (MEMBER, "manage", "g1", "not_moderator"),
        (MEMBER, "pins", "g1", "need_pin_right"),
        (PINNER, "manage", "g1", "not_moderator"),
        (MOD, "manage", None, "not_in_community"),
        (
            Actor("discord", "4", is_moderator=False, rights_unknown=True),
            "pins",
            "g1",
            "rights_unknown",
        ),
    ]:
        with pytest.raises(NotAllowed) as refused:
            require(actor, need, chat_id)  # type: ignore[arg-type]
        assert refused.value.code == code
    for lang in ("en", "id", "nl"):
        assert NotAllowed("not_moderator").message(lang)
    assert "moderator" in NotAllowed("not_moderator").message("nl")


@pytest.fixture
def moderation(core: Core, repo: SqliteRepository) -> Moderation:
    return Moderation(core, repo, now=lambda: NOW)


async def _noop_edit(pin: PinRecord) -> EditOutcome:
    return "edited"


async def test_every_action_refuses_a_member_and_changes_nothing(
    moderation: Moderation, repo: SqliteRepository
) -> None:
    await repo.record_pin("discord", "g1", "m1", SID, "en", "old")
    calls = [
        moderation.set_language(MEMBER, "g1", "nl"),
        moderation.set_note(MEMBER, "g1", SID, "hi"),
        moderation.remove_note(MEMBER, "g1", SID),
        moderation.notes(MEMBER, "g1"),
        moderation.stats(MEMBER, "g1"),
        moderation.action_log(MEMBER, "g1"),
        moderation.pins(MEMBER, "g1"),
        moderation.forget_pin(MEMBER, "g1", "m1"),
        moderation.refresh_pins(MEMBER, "g1", _noop_edit),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            await call
    assert await repo.get_community("discord", "g1") is None
    assert await repo.get_note("discord", "g1", SID) is None
    assert [p.content_version for p in await repo.list_pins("discord")] == ["old"]
    assert await repo.list_actions("discord", "g1") == []


async def test_forged_moderator_token_gives_no_rights(moderation: Moderation) -> None:
    # A member crafts a "forget pin" button: the token parses, the rights check still refuses.
    parsed = tokens.parse(tokens.moderator("en", "pin-rm", "1"))
    assert isinstance(parsed, tokens.ModToken)
    with pytest.raises(Refused) as refused:
        await moderation.forget_pin(MEMBER, "g1", parsed.arg)
    assert refused.value == NotAllowed("need_pin_right")


async def test_moderator_actions_work_and_are_logged(
    moderation: Moderation, repo: SqliteRepository
) -> None:
    assert await moderation.set_language(MOD, "g1", "NL") == "nl"
    with pytest.raises(NoteRefused) as refused:
        await moderation.set_language(MOD, "g1", "klingon")
    assert refused.value == NoteRefused("unknown_language", value="klingon")
    assert await moderation.set_language(MOD, "g1", "auto") is None
    assert await moderation.set_note(MOD, "g1", SID, "  post in\n#help ") == "post in #help"
    with pytest.raises(NoteRefused) as refused:
        await moderation.set_note(MOD, "g1", "nope", "x")
    assert refused.value == NoteRefused("unknown_situation", value="nope")
    with pytest.raises(NoteRefused) as refused:
        await moderation.set_note(MOD, "g1", SID, "   ")
    assert refused.value == NoteRefused("empty")
    notes = await moderation.notes(MOD, "g1")
    assert isinstance(notes, list) and [n.text for n in notes] == ["post in #help"]
    assert await moderation.remove_note(MOD, "g1", SID) is True
    assert await moderation.remove_note(MOD, "g1", SID) is False
    assert isinstance(await moderation.stats(MOD, "g1"), Stats)

    await repo.record_pin("discord", "g1", "m1", SID, "en", "old")
    await repo.record_pin("discord", "g1", "m2", SID, "en", "old")
    assert await moderation.refresh_pins(PINNER, "g1", _noop_edit) == RefreshReport(edited=2)
    pinned = await moderation.pins(PINNER, "g1")
    assert isinstance(pinned, list) and len(pinned) == 2
    forgotten = await moderation.forget_pin(PINNER, "g1", "m1")
    assert isinstance(forgotten, PinRecord) and forgotten.message_id == "m1"
    assert await moderation.forget_pin(PINNER, "g1", "m1") is None
    assert await moderation.forget_pin(PINNER, "g2", "m2") is None  # not this chat's pin

    log = await moderation.action_log(MOD, "g1")
    assert isinstance(log, list)
    assert [(a.actor_id, a.action) for a in log] == [
        ("200", "pin.remove"),
        ("200", "pins.refresh"),
        ("100", "note.remove"),
        ("100", "note.set"),
        ("100", "language.set"),
        ("100", "language.set"),
    ]
    assert log[3].detail == f"{SID}: post in #help"
    assert log[-1].detail == "nl" and log[-2].detail == "follow each member"
    assert await repo.list_actions("discord", "g2") == []


async def test_record_helper_and_log_limit(repo: SqliteRepository) -> None:
    for i in range(5):
        await permissions.record(repo, MOD, "g1", "test", str(i))
    latest = await repo.list_actions("discord", "g1", limit=2)
    assert [a.detail for a in latest] == ["4", "3"]
    assert all(a.at.tzinfo is not None for a in latest)
    assert await repo.list_actions("discord", "g1", limit=0) == []
