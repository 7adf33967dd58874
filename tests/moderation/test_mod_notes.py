"""Community notes: validation, per-community storage, and escaping when rendered."""

from __future__ import annotations

import pytest

from bot.core.engine import Core
from bot.moderation import notes
from bot.moderation.notes import MAX_NOTE_CHARS, validate_note
from bot.moderation.refusals import NoteRefused
from bot.storage import SqliteRepository

SID = "buyer-cancel-request"


def test_validation_cleans_and_limits() -> None:
    assert validate_note("  post disputes in\n#help-desk \x07 ") == "post disputes in #help-desk"
    assert validate_note("a\u202eb\x00c") == "abc"
    with pytest.raises(NoteRefused) as refused:
        validate_note(" \n\t ")
    assert refused.value == NoteRefused("empty")
    with pytest.raises(NoteRefused) as refused:
        validate_note("x" * (MAX_NOTE_CHARS + 1))
    assert refused.value.code == "too_long" and refused.value.params["length"] == 301
    assert "300" in refused.value.message("en") and "301" in refused.value.message("en")
    assert validate_note("x" * MAX_NOTE_CHARS) == "x" * MAX_NOTE_CHARS
    assert notes.check_situation(" Buyer-Cancel-Request ") == SID
    with pytest.raises(NoteRefused) as refused:
        notes.check_situation("nope")
    assert "nope" in refused.value.message("nl")


async def test_notes_are_per_community_and_can_be_edited_and_removed(
    repo: SqliteRepository,
) -> None:
    await repo.set_note("discord", "g1", SID, "first", "mod1")
    await repo.set_note("discord", "g1", SID, "second", "mod2")  # upsert: an edit
    await repo.set_note("discord", "g1", "seller-cancel", "other", "mod1")
    assert await repo.get_note("discord", "g1", SID) == "second"
    assert await repo.get_note("discord", "g2", SID) is None
    assert await repo.get_note("telegram", "g1", SID) is None
    listed = await repo.list_notes("discord", "g1")
    assert [(n.situation, n.text) for n in listed] == [(SID, "second"), ("seller-cancel", "other")]
    assert await repo.delete_note("discord", "g1", SID) is True
    assert await repo.delete_note("discord", "g1", SID) is False
    assert await repo.get_note("discord", "g1", SID) is None


async def test_note_shows_only_in_its_community(core: Core, repo: SqliteRepository) -> None:
    await repo.set_note("telegram", "-100", SID, "Ask in #help-desk first", "7")
    here = await notes.situation_answer(core, repo, "telegram", "-100", SID, "en")
    elsewhere = await notes.situation_answer(core, repo, "telegram", "-200", SID, "en")
    private = await notes.situation_answer(core, repo, "telegram", None, SID, "en")
    assert here.community_note == "Ask in #help-desk first"
    assert elsewhere.community_note is None and private.community_note is None
    assert "help-desk" in "\n".join(core.render(here, "text"))
    assert "help-desk" not in "\n".join(core.render(elsewhere, "text"))
    # The helper also decorates answers the service layer already composed.
    plain = core.situation(SID, "en")
    decorated = await notes.with_community_note(repo, "telegram", "-100", plain)
    assert decorated.community_note == "Ask in #help-desk first"
    assert await notes.with_community_note(repo, "telegram", "-200", plain) is plain


async def test_note_is_escaped_in_each_format(core: Core, repo: SqliteRepository) -> None:
    raw = 'See <b>rules</b> & "faq" @everyone **now** [x](http://evil)'
    note = validate_note(raw)
    assert isinstance(note, str)
    await repo.set_note("discord", "g1", SID, note, "1")
    answer = await notes.situation_answer(core, repo, "discord", "g1", SID, "en")
    telegram = "\n".join(core.render(answer, "telegram"))
    assert "&lt;b&gt;rules&lt;/b&gt; &amp; &quot;faq&quot;" in telegram
    assert "<b>rules</b>" not in telegram
    discord = "\n".join(core.render(answer, "discord"))
    assert "@everyone" not in discord and "@\u200beveryone" in discord
    assert r"\*\*now\*\*" in discord and r"\[x\]\(http\:" in discord
