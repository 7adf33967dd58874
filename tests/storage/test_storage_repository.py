"""Round-trips of every Repository method, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from storage_db import Database, sqlite_only

from bot.storage import (
    CommunitySettings,
    FeedbackSummary,
    Repository,
    SqliteRepository,
    StorageError,
    UnroutedCount,
)
from bot.storage.sql import SqlRepository
from bot.storage.values import MAX_UNROUTED_CHARS

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _as_repository(repo: SqlRepository) -> Repository:
    """Callers see only the protocol; this also makes mypy check the implementation."""
    return repo


@sqlite_only
async def test_fresh_file_and_parent_directory_are_created(repo: SqlRepository, db_path: Path):
    assert isinstance(repo, SqliteRepository)
    assert db_path.is_file()
    assert repo.path == str(db_path)


# -- member language ---------------------------------------------------------------------------


async def test_member_language_round_trip_change_and_clear(repo: SqlRepository):
    r = _as_repository(repo)
    assert await r.get_member_language("telegram", "42") is None
    await r.set_member_language("telegram", "42", "id")
    assert await r.get_member_language("telegram", "42") == "id"
    await r.set_member_language("telegram", "42", "nl")
    assert await r.get_member_language("telegram", "42") == "nl"
    await r.set_member_language("telegram", "42", None)
    assert await r.get_member_language("telegram", "42") is None
    # Clearing an unknown member is harmless.
    await r.set_member_language("telegram", "never-seen", None)


async def test_member_language_is_per_platform_and_member(repo: SqlRepository, db: Database):
    await repo.set_member_language("telegram", "42", "id")
    await repo.set_member_language("discord", "42", "nl")
    await repo.set_member_language("telegram", "43", "en")
    assert await repo.get_member_language("telegram", "42") == "id"
    assert await repo.get_member_language("discord", "42") == "nl"
    assert await repo.get_member_language("telegram", "43") == "en"
    await repo.set_member_language("telegram", "42", "en")
    assert await db.count("SELECT COUNT(*) FROM member_prefs") == 3


async def test_member_language_depends_on_salt(repo: SqlRepository, db: Database):
    await repo.set_member_language("telegram", "42", "id")
    await repo.close()
    async with await db.open(salt="another-salt") as other:
        assert await other.get_member_language("telegram", "42") is None


# -- community settings ------------------------------------------------------------------------


async def test_community_round_trip_and_follow_members(repo: SqlRepository):
    assert await repo.get_community("discord", "guild-1") is None
    before = datetime.now(UTC)
    await repo.set_community_language("discord", "guild-1", "nl")
    settings = await repo.get_community("discord", "guild-1")
    assert isinstance(settings, CommunitySettings)
    assert (settings.platform, settings.chat_id, settings.default_lang) == (
        "discord",
        "guild-1",
        "nl",
    )
    assert settings.updated_at.tzinfo is not None
    assert settings.updated_at.utcoffset() == timedelta(0)
    assert settings.updated_at >= before - timedelta(seconds=1)

    await repo.set_community_language("discord", "guild-1", None)
    cleared = await repo.get_community("discord", "guild-1")
    assert cleared is not None and cleared.default_lang is None
    assert await repo.get_community("telegram", "guild-1") is None


# -- questions ---------------------------------------------------------------------------------


async def test_question_counts_group_filter_and_order(repo: SqlRepository):
    for _ in range(3):
        await repo.record_question("telegram", "-100", "seller-cancel", "id", at=T0)
    await repo.record_question("telegram", "-100", "seller-cancel", "en", at=T0)
    await repo.record_question("telegram", "-100", None, "id", at=T0 + timedelta(days=2))
    await repo.record_question("telegram", None, "buyer-cancel-request", "nl", at=T0)
    await repo.record_question("discord", "g1", "seller-cancel", "id", at=T0)

    assert await repo.question_counts("telegram", "-100", None) == [
        ("seller-cancel", "id", 3),
        ("seller-cancel", "en", 1),
        (None, "id", 1),
    ]
    assert await repo.question_counts("telegram", "-100", T0 + timedelta(days=1)) == [
        (None, "id", 1)
    ]
    assert await repo.question_counts("discord") == [("seller-cancel", "id", 1)]
    everything = await repo.question_counts()
    assert sum(n for _, _, n in everything) == 7
    assert everything[0] == ("seller-cancel", "id", 4)


async def test_naive_datetimes_are_rejected(repo: SqlRepository):
    with pytest.raises(ValueError, match="timezone-aware"):
        await repo.record_question("telegram", None, None, "en", at=datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        await repo.question_counts(since=datetime(2024, 1, 1))


async def test_other_time_zones_are_converted_to_utc(repo: SqlRepository):
    jakarta = timezone(timedelta(hours=7))
    await repo.record_unrouted(
        "telegram", None, "hi", "id", at=datetime(2024, 1, 1, 7, tzinfo=jakarta)
    )
    [row] = await repo.unrouted_report()
    assert row.last_seen == datetime(2024, 1, 1, 0, tzinfo=UTC)
    assert row.last_seen.utcoffset() == timedelta(0)
    # A since bound in another zone compares as the same instant.
    assert await repo.unrouted_report(since=datetime(2024, 1, 1, 7, 0, 1, tzinfo=jakarta)) == []


# -- unrouted ----------------------------------------------------------------------------------


async def test_unrouted_report_groups_normalised_text_most_frequent_first(repo: SqlRepository):
    await repo.record_unrouted("telegram", "-1", "How do I   get PAID?", "en", at=T0)
    await repo.record_unrouted(
        "telegram", "-1", "  how do i get paid?\n", "en", at=T0 + timedelta(hours=1)
    )
    await repo.record_unrouted(
        "telegram", "-2", "HOW DO I\tGET PAID?", "en", at=T0 + timedelta(hours=2)
    )
    await repo.record_unrouted(
        "telegram", "-1", "bagaimana cara refund", "id", at=T0 + timedelta(hours=3)
    )
    await repo.record_unrouted(
        "telegram", "-1", "Bagaimana cara refund", "id", at=T0 + timedelta(hours=4)
    )
    await repo.record_unrouted(
        "telegram", "-1", "where is my order", "en", at=T0 + timedelta(hours=5)
    )
    # Same text in another language is another group.
    await repo.record_unrouted("telegram", "-1", "how do I get paid?", "nl", at=T0)
    await repo.record_unrouted("discord", "g", "how do i get paid?", "en", at=T0)

    report = await repo.unrouted_report("telegram")
    assert report == [
        UnroutedCount("how do i get paid?", "en", 3, T0 + timedelta(hours=2)),
        UnroutedCount("bagaimana cara refund", "id", 2, T0 + timedelta(hours=4)),
        # Ties: most recently seen first.
        UnroutedCount("where is my order", "en", 1, T0 + timedelta(hours=5)),
        UnroutedCount("how do i get paid?", "nl", 1, T0),
    ]
    assert [r.count for r in await repo.unrouted_report()] == [4, 2, 1, 1]
    assert await repo.unrouted_report("telegram", "-2") == [
        UnroutedCount("how do i get paid?", "en", 1, T0 + timedelta(hours=2))
    ]
    assert len(await repo.unrouted_report("telegram", limit=2)) == 2
    assert await repo.unrouted_report(limit=0) == []


async def test_unrouted_report_since_filter(repo: SqlRepository):
    await repo.record_unrouted("telegram", None, "old question", "en", at=T0)
    await repo.record_unrouted("telegram", None, "old question", "en", at=T0)
    await repo.record_unrouted("telegram", None, "old question", "en", at=T0 + timedelta(days=3))
    await repo.record_unrouted("telegram", None, "new question", "en", at=T0 + timedelta(days=2))

    since = T0 + timedelta(days=1)
    assert await repo.unrouted_report(since=since) == [
        UnroutedCount("old question", "en", 1, T0 + timedelta(days=3)),
        UnroutedCount("new question", "en", 1, T0 + timedelta(days=2)),
    ]
    # The bound is inclusive.
    assert [r.count for r in await repo.unrouted_report(since=T0)] == [3, 1]


async def test_unrouted_text_is_truncated_and_stored_without_member(
    repo: SqlRepository, db: Database
):
    long_text = "  " + "a" * (MAX_UNROUTED_CHARS + 100)
    await repo.record_unrouted("telegram", None, long_text, "en")
    [row] = await repo.unrouted_report()
    assert row.text == "a" * MAX_UNROUTED_CHARS
    columns = await db.columns("unrouted")
    [(stored,)] = await db.rows("SELECT text FROM unrouted")
    assert len(stored) == MAX_UNROUTED_CHARS
    assert not any("user" in c or "member" in c for c in columns)


# -- feedback ----------------------------------------------------------------------------------


async def test_vote_changed_by_same_member_updates_one_row(repo: SqlRepository, db: Database):
    await repo.record_feedback(
        "telegram", "42", "-100:7", "seller-cancel", "id", True, chat_id="-100", at=T0
    )
    assert await repo.feedback_summary() == [FeedbackSummary("seller-cancel", "id", 1, 0)]

    await repo.record_feedback(
        "telegram",
        "42",
        "-100:7",
        "seller-cancel",
        "id",
        False,
        chat_id="-100",
        at=T0 + timedelta(minutes=1),
    )
    assert await repo.feedback_summary() == [FeedbackSummary("seller-cancel", "id", 0, 1)]
    assert await db.count("SELECT COUNT(*) FROM feedback") == 1
    assert await db.count("SELECT helpful FROM feedback") == 0


async def test_separate_votes_by_two_members_and_answers(repo: SqlRepository, db: Database):
    await repo.record_feedback(
        "telegram", "42", "-100:7", "seller-cancel", "id", True, chat_id="-100"
    )
    await repo.record_feedback(
        "telegram", "43", "-100:7", "seller-cancel", "id", False, chat_id="-100"
    )
    await repo.record_feedback(
        "telegram", "42", "-100:8", "seller-cancel", "id", True, chat_id="-100"
    )
    # Same member id on another platform is another member.
    await repo.record_feedback("discord", "42", "-100:7", "seller-cancel", "id", True)
    assert await db.count("SELECT COUNT(*) FROM feedback") == 4
    summary = await repo.feedback_summary()
    assert summary == [FeedbackSummary("seller-cancel", "id", 3, 1)]
    assert summary[0].total == 4


async def test_feedback_summary_filters_and_grouping(repo: SqlRepository):
    await repo.record_feedback(
        "telegram", "1", "a:1", "seller-cancel", "id", True, chat_id="a", at=T0
    )
    await repo.record_feedback(
        "telegram", "2", "a:1", "seller-cancel", "en", True, chat_id="a", at=T0
    )
    await repo.record_feedback(
        "telegram",
        "3",
        "b:1",
        "buyer-cancel-request",
        "id",
        False,
        chat_id="b",
        at=T0 + timedelta(days=2),
    )
    await repo.record_feedback("discord", "4", "g:1", "seller-cancel", "id", False, at=T0)

    assert await repo.feedback_summary() == [
        FeedbackSummary("buyer-cancel-request", "id", 0, 1),
        FeedbackSummary("seller-cancel", "en", 1, 0),
        FeedbackSummary("seller-cancel", "id", 1, 1),
    ]
    assert await repo.feedback_summary("telegram", "a") == [
        FeedbackSummary("seller-cancel", "en", 1, 0),
        FeedbackSummary("seller-cancel", "id", 1, 0),
    ]
    assert await repo.feedback_summary(since=T0 + timedelta(days=1)) == [
        FeedbackSummary("buyer-cancel-request", "id", 0, 1)
    ]
    assert await repo.feedback_summary("discord") == [FeedbackSummary("seller-cancel", "id", 0, 1)]
    assert await repo.feedback_summary("console") == []


async def test_no_raw_user_id_anywhere_in_the_database(repo: SqlRepository, db: Database):
    user_ids = ["user-8675309", "user-1234567"]
    for n, user_id in enumerate(user_ids):
        await repo.set_member_language("telegram", user_id, "id")
        await repo.record_feedback(
            "telegram", user_id, f"chat-1:{n}", "seller-cancel", "id", True, chat_id="chat-1"
        )
        await repo.record_feedback(
            "telegram", user_id, f"chat-1:{n}", "seller-cancel", "id", False, chat_id="chat-1"
        )
    await repo.close()  # on SQLite, checkpoints the WAL into the main file

    values = await db.every_value()
    assert await db.count("SELECT COUNT(*) FROM feedback") == 2
    assert values, "expected stored rows"
    for user_id in user_ids:
        number = user_id.removeprefix("user-")
        assert not [v for v in values if number in v]
        if db.path is not None:  # SQLite: not in the bytes of any of its files either
            for file in db.path.parent.iterdir():
                assert number.encode() not in file.read_bytes(), file


# -- pins --------------------------------------------------------------------------------------


async def test_pins_round_trip_upsert_update_and_forget(repo: SqlRepository):
    await repo.record_pin("telegram", "-100", "7", "seller-cancel", "id", "v1", at=T0)
    await repo.record_pin(
        "telegram", "-100", "9", "buyer-cancel-request", "id", "v1", at=T0 + timedelta(hours=1)
    )
    await repo.record_pin("telegram", "-200", "3", "seller-cancel", "nl", "v1", at=T0)
    await repo.record_pin("discord", "g", "3", "seller-cancel", "en", "v1", at=T0)

    pins = await repo.list_pins("telegram", "-100")
    assert [(p.chat_id, p.message_id, p.situation, p.content_version) for p in pins] == [
        ("-100", "7", "seller-cancel", "v1"),
        ("-100", "9", "buyer-cancel-request", "v1"),
    ]
    assert pins[0].pinned_at == T0 and pins[0].updated_at == T0
    assert len(await repo.list_pins("telegram")) == 3
    assert len(await repo.list_pins("discord")) == 1

    # Re-recording the same message updates it in place and keeps pinned_at.
    await repo.record_pin(
        "telegram", "-100", "7", "seller-cancel", "en", "v2", at=T0 + timedelta(days=1)
    )
    [pin] = [p for p in await repo.list_pins("telegram", "-100") if p.message_id == "7"]
    assert (pin.lang, pin.content_version) == ("en", "v2")
    assert pin.pinned_at == T0 and pin.updated_at == T0 + timedelta(days=1)
    assert len(await repo.list_pins("telegram", "-100")) == 2

    assert await repo.update_pin_version("telegram", "-100", "9", "v3") is True
    [pin] = [p for p in await repo.list_pins("telegram", "-100") if p.message_id == "9"]
    assert pin.content_version == "v3" and pin.updated_at > pin.pinned_at
    assert await repo.update_pin_version("telegram", "-100", "404", "v3") is False

    assert await repo.forget_pin("telegram", "-100", "9") is True
    assert await repo.forget_pin("telegram", "-100", "9") is False
    assert [p.message_id for p in await repo.list_pins("telegram", "-100")] == ["7"]
    assert len(await repo.list_pins("discord")) == 1


# -- hostile text ------------------------------------------------------------------------------

INJECTION = "x'); DROP TABLE questions;--"


async def test_sql_injection_text_is_stored_verbatim(repo: SqlRepository, db: Database):
    await repo.record_question("telegram", INJECTION, INJECTION, INJECTION)
    assert await repo.question_counts("telegram", INJECTION) == [(INJECTION, INJECTION, 1)]

    await repo.record_unrouted(INJECTION, None, INJECTION, "en")
    [row] = await repo.unrouted_report(INJECTION)
    assert row.text == INJECTION.lower()

    await repo.set_member_language("telegram", INJECTION, INJECTION)
    assert await repo.get_member_language("telegram", INJECTION) == INJECTION
    await repo.set_community_language("telegram", INJECTION, INJECTION)
    settings = await repo.get_community("telegram", INJECTION)
    assert settings is not None and settings.default_lang == INJECTION

    await repo.record_feedback(
        "telegram", INJECTION, INJECTION, INJECTION, INJECTION, True, chat_id=INJECTION
    )
    assert await repo.feedback_summary("telegram", INJECTION) == [
        FeedbackSummary(INJECTION, INJECTION, 1, 0)
    ]

    await repo.record_pin("telegram", INJECTION, INJECTION, INJECTION, INJECTION, INJECTION)
    [pin] = await repo.list_pins("telegram", INJECTION)
    assert (pin.chat_id, pin.message_id, pin.situation, pin.lang, pin.content_version) == (
        (INJECTION,) * 5
    )
    assert await repo.forget_pin("telegram", INJECTION, INJECTION) is True

    tables = await db.tables()
    assert {"questions", "unrouted", "feedback", "member_prefs", "pins"} <= tables
    assert await db.count("SELECT COUNT(*) FROM questions") == 1


# -- lifetime ----------------------------------------------------------------------------------


async def test_async_with_closes_and_close_is_idempotent(db: Database):
    async with await db.open() as repo:
        await repo.record_question("console", None, None, "en")
    await repo.close()
    with pytest.raises(StorageError, match="closed"):
        await repo.question_counts()
    async with await db.open() as again:
        assert await again.question_counts() == [(None, "en", 1)]


async def test_one_unwritable_statistics_row_loses_only_itself(db: Database) -> None:
    from bot.storage.cached import CachedPreferences

    repo = await db.open()
    cached = CachedPreferences(repo, batch_delay=60)
    await cached.record_unrouted("telegram", "-1", "first question", "en")
    await cached.record_unrouted("telegram", "-1", "bad \ud800 text", "en")  # cannot be stored
    await cached.record_unrouted("telegram", "-1", "third question", "en")
    await cached.record_question("telegram", "-1", None, "en")
    await cached.flush()
    texts = [row.text for row in await repo.unrouted_report("telegram", "-1")]
    assert sorted(texts) == ["first question", "third question"]  # the neighbours are kept
    assert await repo.question_counts(platform="telegram") == [(None, "en", 1)]
    await cached.close()


def test_lone_surrogates_become_replacement_characters() -> None:
    from bot.core.unicode import clean

    assert clean("ok \ud800 fine") == "ok \ufffd fine"
    assert clean("emoji 😀 stays") == "emoji 😀 stays"
    assert clean("plain") == "plain"
    clean("x\udfff\ud83d").encode("utf-8")  # encodable after cleaning


async def test_votes_keep_no_raw_member_id_at_rest(db: Database) -> None:
    repo = await db.open(salt="pepper")
    # a private chat's answer: "<chat id>:<message id>", and the chat id is the member's id
    await repo.record_feedback("telegram", "555000111", "555000111:42", "seller-cancel", "en", True)
    await repo.record_feedback(
        "telegram", "555000111", "555000111:42", "seller-cancel", "en", False
    )  # the same vote, changed: still one row
    [summary] = await repo.feedback_summary()
    assert (summary.helpful, summary.not_helpful) == (0, 1)
    await repo.close()
    assert not [v for v in await db.every_value() if "555000111" in v]
    if db.path is not None:  # SQLite: not in the bytes of its files either
        for file in db.path.parent.iterdir():
            assert b"555000111" not in file.read_bytes(), file


async def test_answer_refs_stored_raw_before_are_hashed_on_open(db: Database) -> None:
    repo = await db.open(salt="pepper")
    await repo.close()
    await db.execute(  # a vote as an earlier version stored it
        "INSERT INTO feedback (platform, user_hash, answer_ref, situation, lang, "
        "helpful, chat_id, created_at, updated_at) VALUES ('telegram', 'h', "
        "'777000:9', 'seller-cancel', 'en', 1, NULL, '2024-01-01T00:00:00+00:00', "
        "'2024-01-01T00:00:00+00:00')"
    )
    repo = await db.open(salt="pepper")
    await repo.close()
    [(ref,)] = await db.rows("SELECT answer_ref FROM feedback")
    assert len(ref) == 64 and "777000" not in ref


async def test_moving_a_community_keeps_what_the_new_id_already_has(db: Database) -> None:
    repo = await db.open()
    await repo.set_community_language("telegram", "-1", "nl")
    await repo.set_community_language("telegram", "-100", "id")  # set after the upgrade
    await repo.set_note("telegram", "-1", "seller-cancel", "old note", "7")
    await repo.record_question("telegram", "-1", None, "nl")
    moved = await repo.move_community("telegram", "-1", "-100")
    assert moved >= 2
    settings = await repo.get_community("telegram", "-100")
    assert settings is not None and settings.default_lang == "id"
    assert await repo.get_note("telegram", "-100", "seller-cancel") == "old note"
    assert await repo.get_community("telegram", "-1") is None
    assert await repo.move_community("telegram", "-1", "-100") == 0  # a repeat moves nothing
    await repo.close()
