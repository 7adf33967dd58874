"""The service layer with real storage: language order from stored preferences, recording."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from databases import TestDatabases

from bot.assistant import Assistant, Member, Place
from bot.core import actions
from bot.core.engine import Core
from bot.storage import Repository, SqliteRepository


@pytest.fixture
async def repo(tmp_path: Path, databases: TestDatabases) -> AsyncIterator[Repository]:
    r = await databases.open(tmp_path / "db" / "sellerbot.db")
    yield r
    await r.close()


@pytest.fixture
def assistant(core: Core, repo: Repository) -> Assistant:
    return Assistant(core, repo, default_lang="en")


ALICE = Member("telegram", "1001", locale="en-GB")
GROUP = Place("telegram", "-100200")
PRIVATE = Place("telegram", None)


async def test_saved_language_beats_question_language(assistant: Assistant) -> None:
    saved = await assistant.set_language(ALICE, PRIVATE, "nl")
    assert saved.lang == "nl" and "Nederlands" in saved.title
    answer = await assistant.ask("buyer minta cancel gimana", ALICE, PRIVATE)
    assert answer.lang == "nl" and answer.situation == "buyer-cancel-request"


async def test_explicit_beats_saved(assistant: Assistant) -> None:
    await assistant.set_language(ALICE, PRIVATE, "nl")
    answer = await assistant.ask("buyer wants to cancel", ALICE, PRIVATE, explicit_lang="id")
    assert answer.lang == "id"


async def test_reset_language_returns_to_question_language(assistant: Assistant) -> None:
    await assistant.set_language(ALICE, PRIVATE, "nl")
    await assistant.set_language(ALICE, PRIVATE, "auto")
    answer = await assistant.ask("buyer minta cancel gimana", ALICE, PRIVATE)
    assert answer.lang == "id"


async def test_unknown_language_is_refused_clearly(assistant: Assistant, repo: Repository) -> None:
    answer = await assistant.set_language(ALICE, PRIVATE, "klingon")
    assert "en – English" in answer.title and "nl – Nederlands (Dutch)" in answer.title
    assert await repo.get_member_language("telegram", "1001") is None


async def test_community_default_applies_when_nothing_else_does(
    assistant: Assistant, repo: Repository
) -> None:
    await repo.set_community_language("telegram", GROUP.chat_id or "", "id")
    member = Member("telegram", "2002", locale=None)
    answer = await assistant.start_walk(member, GROUP)
    assert answer.lang == "id"
    # a language the moderators chose outranks the member's locale hint...
    answer = await assistant.start_walk(Member("telegram", "2003", locale="nl-BE"), GROUP)
    assert answer.lang == "id"
    # ...but not the language the question is written in, nor the member's own choice
    answer = await assistant.ask("mijn koper wil annuleren", Member("telegram", "2003"), GROUP)
    assert answer.lang == "nl"
    await assistant.set_language(Member("telegram", "2004"), GROUP, "en")
    answer = await assistant.start_walk(Member("telegram", "2004"), GROUP)
    assert answer.lang == "en"


async def test_configured_default_comes_after_the_locale(core: Core, repo: Repository) -> None:
    assistant = Assistant(core, repo, default_lang="nl")
    assert (await assistant.start_walk(Member("discord", "1", "id"), GROUP)).lang == "id"
    assert (await assistant.start_walk(Member("discord", "1", None), GROUP)).lang == "nl"


async def test_questions_and_unrouted_are_recorded_without_member_ids(
    assistant: Assistant, repo: Repository
) -> None:
    await assistant.ask("my buyer wants to cancel", ALICE, GROUP)
    await assistant.ask("how do I withdraw to paypal", ALICE, GROUP)
    await assistant.ask("how do I withdraw to paypal", ALICE, GROUP)
    counts = {(s, lang): n for s, lang, n in await repo.question_counts("telegram", GROUP.chat_id)}
    assert counts == {("buyer-cancel-request", "en"): 1, (None, "en"): 2}
    report = await repo.unrouted_report("telegram", GROUP.chat_id)
    assert report[0].text == "how do i withdraw to paypal" and report[0].count == 2


async def test_feedback_vote_is_stored_once_and_changeable(
    assistant: Assistant, repo: Repository
) -> None:
    yes = actions.feedback("en", "seller-cancel", True)
    no = actions.feedback("en", "seller-cancel", False)
    thanks = await assistant.press(yes, ALICE, GROUP, answer_ref="-100200:55")
    assert thanks.kind == "notice"
    await assistant.press(no, ALICE, GROUP, answer_ref="-100200:55")
    summary = await repo.feedback_summary("telegram")
    assert [(s.situation, s.helpful, s.not_helpful) for s in summary] == [("seller-cancel", 0, 1)]


async def test_forged_feedback_is_not_stored(assistant: Assistant, repo: Repository) -> None:
    answer = await assistant.press("sb1:en:f:nonsense.1", ALICE, GROUP)
    assert answer.kind == "stale"
    assert await repo.feedback_summary() == []


async def test_many_members_at_once_lose_nothing(assistant: Assistant, repo: Repository) -> None:
    members = [Member("discord", str(i), "id") for i in range(100)]
    await asyncio.gather(
        *(assistant.ask("buyer minta cancel", m, Place("discord", "g1")) for m in members)
    )
    counts = await repo.question_counts("discord", "g1")
    assert sum(n for _, _, n in counts) == 100


async def test_community_note_shows_only_in_its_community(
    assistant: Assistant, repo: Repository, core: Core
) -> None:
    await repo.set_note(
        "telegram", "-100200", "buyer-cancel-request", "Post disputes in #help <b>", "mod1"
    )
    here = await assistant.ask("my buyer wants to cancel", ALICE, GROUP)
    assert here.community_note == "Post disputes in #help <b>"
    assert "Post disputes in #help &lt;b&gt;" in "\n".join(core.render(here, "telegram"))
    elsewhere = await assistant.ask("my buyer wants to cancel", ALICE, Place("telegram", "-999"))
    assert elsewhere.community_note is None
    private = await assistant.situation("buyer-cancel-request", ALICE, PRIVATE)
    assert private.community_note is None


async def test_a_private_conversation_keeps_its_language_for_short_follow_ups(
    assistant: Assistant,
) -> None:
    first = await assistant.ask("buyer mau batalin order gimana", ALICE, PRIVATE)
    assert first.lang == "id"
    follow_up = await assistant.ask("ok", ALICE, PRIVATE)  # says nothing of its language
    assert follow_up.lang == "id"  # not ALICE's en-GB locale
    # in a group, a short message is not a conversation with the bot: the locale decides
    assert (await assistant.ask("ok", ALICE, GROUP)).lang == "en"
    other = Member("telegram", "1002", locale="nl")
    assert (await assistant.ask("ok", other, PRIVATE)).lang == "nl"  # per member


async def test_reset_follows_what_the_member_wrote_under_a_saved_language(
    assistant: Assistant,
) -> None:
    """Saved Dutch, then Indonesian questions (answered in Dutch), then "auto": the reset is
    confirmed in Indonesian, and a short follow-up stays Indonesian."""
    await assistant.set_language(ALICE, PRIVATE, "nl")
    fresh = Assistant(assistant.core, assistant.repo, default_lang="en")  # a restart
    answer = await fresh.ask("buyer minta cancel gimana gan", ALICE, PRIVATE)
    assert answer.lang == "nl"
    reset = await fresh.set_language(ALICE, PRIVATE, "auto")
    assert reset.lang == "id" and reset.title == assistant.core.t("id", "ui.lang.reset")
    assert (await fresh.ask("ok", ALICE, PRIVATE)).lang == "id"


async def test_a_saved_language_is_confirmed_with_how_to_undo_it(assistant: Assistant) -> None:
    t = assistant.core.t
    saved = await assistant.set_language(ALICE, PRIVATE, "id_ID", undo="lang auto")
    assert saved.title.endswith(t("id", "ui.lang.remembered", undo="lang auto"))
    for value in ("auto", "klingon"):  # no choice was saved: nothing to undo
        answer = await assistant.set_language(ALICE, PRIVATE, value, undo="lang auto")
        assert "lang auto" not in answer.title


async def test_not_helpful_is_recorded_and_answered_with_the_others(
    assistant: Assistant, repo: Repository
) -> None:
    answer = await assistant.press(
        actions.feedback("en", "seller-cancel", False), ALICE, GROUP, answer_ref="-100200:7"
    )
    assert answer.kind == "unhelpful"
    [s] = await repo.feedback_summary()
    assert (s.situation, s.helpful, s.not_helpful) == ("seller-cancel", 0, 1)


async def test_a_database_locked_by_another_process_is_retried_and_never_thanked(
    core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes, one file: a write waits, tries again, and if the lock outlasts every
    try the member is told it was not saved (never 'thanks')."""
    import sqlite3

    from bot.storage import sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "RETRY_PAUSE", 0.01)
    path = tmp_path / "shared.db"
    repo = await SqliteRepository.open(path)
    await repo._conn.execute("PRAGMA busy_timeout = 50")  # the other process holds it longer
    assistant = Assistant(core, repo, default_lang="en")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process is writing
    vote = actions.feedback("en", "seller-cancel", True)
    refused = await assistant.press(vote, ALICE, PRIVATE, answer_ref="1:2")
    assert refused.title == core.t("en", "ui.not_saved")
    language = await assistant.set_language(ALICE, PRIVATE, "nl")
    assert language.title == core.t("en", "ui.not_saved")
    assert await repo.feedback_summary() == []
    other.execute("COMMIT")  # the lock is gone: the same press is kept and thanked
    other.close()
    kept = await assistant.press(vote, ALICE, PRIVATE, answer_ref="1:2")
    assert kept.title == core.t("en", "ui.helpful.thanks")
    [summary] = await repo.feedback_summary()
    assert summary.helpful == 1
    await repo.close()


async def test_a_lock_released_while_waiting_still_keeps_the_vote(
    core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3
    import threading

    from bot.storage import sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "RETRY_PAUSE", 0.2)
    path = tmp_path / "shared.db"
    repo = await SqliteRepository.open(path)
    await repo._conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.1, lambda: other.execute("COMMIT")).start()  # within the second wait
    vote = actions.feedback("en", "seller-cancel", False)
    answer = await Assistant(core, repo).press(vote, ALICE, PRIVATE, answer_ref="3:4")
    assert answer.title != core.t("en", "ui.not_saved")
    [summary] = await repo.feedback_summary()
    assert summary.not_helpful == 1
    other.close()
    await repo.close()
