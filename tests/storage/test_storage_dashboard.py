"""The dashboard's tables (schema 6), on SQLite and PostgreSQL: sign-in links, kept questions,
suggested examples, questions per day; every read is one community's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.sql import SqlRepository

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def test_a_link_is_redeemed_once_and_not_after_it_expires(repo: SqlRepository) -> None:
    await repo.add_dashboard_link("telegram", "-100", "h1", NOW + timedelta(minutes=10), at=NOW)
    await repo.add_dashboard_link("telegram", "-100", "h2", NOW + timedelta(minutes=10), at=NOW)
    first = await repo.redeem_dashboard_link("h1", NOW + timedelta(minutes=1))
    assert (first.status, first.platform, first.chat_id) == ("ok", "telegram", "-100")
    assert (await repo.redeem_dashboard_link("h1", NOW + timedelta(minutes=2))).status == "used"
    late = await repo.redeem_dashboard_link("h2", NOW + timedelta(minutes=11))
    assert late.status == "expired" and late.chat_id is None
    assert (await repo.redeem_dashboard_link("nope", NOW)).status == "unknown"


async def test_questions_per_day_are_one_communitys(repo: SqlRepository) -> None:
    day = timedelta(days=1)
    await repo.record_questions([
        ("telegram", "-1", "seller-cancel", "en", NOW - 2 * day),
        ("telegram", "-1", "seller-cancel", "en", NOW - 2 * day),
        ("telegram", "-1", None, "id", NOW - day),
        ("telegram", "-2", "seller-cancel", "en", NOW - day),
        ("discord", "-1", "seller-cancel", "en", NOW - day),
        ("telegram", "-1", "seller-cancel", "nl", NOW - 40 * day),
    ])  # fmt: skip
    rows = await repo.question_days("telegram", "-1", NOW - 30 * day)
    assert rows == [("2026-11-29", "seller-cancel", "en", 2), ("2026-11-30", None, "id", 1)]


async def test_kept_questions_voted_not_helpful_and_forgotten(repo: SqlRepository) -> None:
    await repo.keep_asked("a1", "telegram", "-1", "  my buyer <b>x</b> ", "en", "seller-cancel",
                          at=NOW)  # fmt: skip
    await repo.keep_asked("a2", "telegram", "-2", "other group", "en", None, at=NOW)
    await repo.keep_asked("a3", "telegram", "-1", "old", "en", None, at=NOW - timedelta(days=20))
    got = await repo.get_asked("a1")
    assert got is not None and got.text == "my buyer <b>x</b>" and got.unhelpful_at is None
    assert await repo.mark_asked_unhelpful("a1", at=NOW)
    assert await repo.mark_asked_unhelpful("a2", at=NOW)
    assert not await repo.mark_asked_unhelpful("missing")
    assert [q.ref for q in await repo.unhelpful_questions("telegram", "-1")] == ["a1"]
    assert not await repo.mark_asked_answered("telegram", "-2", "a1")  # not that community's
    assert await repo.mark_asked_answered("telegram", "-1", "a1")
    assert await repo.unhelpful_questions("telegram", "-1") == []
    assert await repo.forget_asked(NOW - timedelta(days=14)) == 1
    assert await repo.get_asked("a3") is None


async def test_examples_are_suggested_decided_and_kept_to_their_community(
    repo: SqlRepository,
) -> None:
    one = await repo.add_example("telegram", "-1", "q1", "en", "seller-cancel", "unsure-choice",
                                 at=NOW)  # fmt: skip
    two = await repo.add_example("telegram", "-2", "q2", "id", None, "not-helpful-choice", at=NOW)
    done = await repo.add_example(
        "telegram", "-1", "q3", "nl", None, "moderator", "confirmed", at=NOW + timedelta(1)
    )
    assert [e.id for e in await repo.list_examples("telegram", "-1")] == [done, one]
    assert not await repo.decide_example("telegram", "-1", two, "confirmed")  # another's
    assert await repo.decide_example("telegram", "-1", one, "confirmed", "completion-rate",
                                     relabel=True, at=NOW)  # fmt: skip
    confirmed = await repo.list_examples(status="confirmed")
    assert {(e.id, e.answer) for e in confirmed} == {(one, "completion-rate"), (done, None)}
    assert all(e.decided_at is not None for e in confirmed)
    (left,) = await repo.list_examples("telegram", "-2")
    assert (left.status, left.source, left.decided_at) == ("suggested", "not-helpful-choice", None)
    with pytest.raises(ValueError):
        await repo.add_example("telegram", "-1", "q", "en", None, "member")


async def test_labelled_unrouted_questions_leave_the_list(repo: SqlRepository) -> None:
    await repo.record_unrouted("telegram", "-1", "how do I withdraw", "en", NOW - timedelta(1))
    await repo.record_unrouted("telegram", "-1", "level dropped", "en", NOW)
    await repo.record_unrouted("telegram", "-2", "elsewhere", "en", NOW)
    assert [u.text for u in await repo.recent_unrouted("telegram", "-1")] == [
        "level dropped", "how do I withdraw",
    ]  # fmt: skip
    await repo.add_example("telegram", "-1", "level dropped", "en", None, "moderator", "confirmed")
    assert [u.text for u in await repo.recent_unrouted("telegram", "-1")] == ["how do I withdraw"]
