"""Community statistics match the recorded events, and render escaped in each format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.engine import Core
from bot.moderation.stats import Helpfulness, community_stats, render_stats
from bot.storage import SqliteRepository

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
CANCEL, MISTAKE = "buyer-cancel-request", "ordered-by-mistake"


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def _record(repo: SqliteRepository) -> None:
    q = repo.record_question
    await q("discord", "g1", CANCEL, "en", at=ago(1))
    await q("discord", "g1", CANCEL, "id", at=ago(2))
    await q("discord", "g1", MISTAKE, "en", at=ago(6.9))
    await q("discord", "g1", CANCEL, "nl", at=ago(8))  # 30-day window only
    await q("discord", "g1", None, "en", at=ago(20))  # not placed, 30-day window only
    await q("discord", "g1", CANCEL, "en", at=ago(31))  # outside both windows
    await q("discord", "g2", CANCEL, "en", at=ago(1))  # another community
    await q("telegram", "g1", CANCEL, "en", at=ago(1))  # same id, other platform
    fb = repo.record_feedback
    await fb("discord", "u1", "a1", CANCEL, "en", True, chat_id="g1", at=ago(1))
    await fb("discord", "u2", "a1", CANCEL, "en", True, chat_id="g1", at=ago(3))
    await fb("discord", "u3", "a1", CANCEL, "id", False, chat_id="g1", at=ago(10))
    await fb("discord", "u4", "a2", MISTAKE, "en", False, chat_id="g1", at=ago(40))  # too old
    await fb("discord", "u5", "a3", MISTAKE, "en", True, chat_id="g2", at=ago(1))  # elsewhere
    un = repo.record_unrouted
    for _ in range(3):
        await un("discord", "g1", "How do I   withdraw?", "en", at=ago(2))
    await un("discord", "g1", "<b>kapan</b> dana cair", "id", at=ago(5))
    await un("discord", "g1", "ancient question", "en", at=ago(45))
    await un("discord", "g2", "other community question", "en", at=ago(1))


async def test_stats_match_recorded_events(repo: SqliteRepository) -> None:
    await _record(repo)
    stats = await community_stats(repo, "discord", "g1", NOW)
    week, month = stats.windows
    assert (week.days, week.total) == (7, 3)
    assert week.by_situation == ((CANCEL, 2), (MISTAKE, 1))
    assert week.by_language == (("en", 2), ("id", 1))
    assert (month.days, month.total) == (30, 5)
    assert dict(month.by_situation) == {CANCEL: 3, MISTAKE: 1, None: 1}
    assert dict(month.by_language) == {"en": 3, "id": 1, "nl": 1}
    assert stats.helpful == (Helpfulness(CANCEL, 2, 1),)
    assert stats.helpful[0].ratio == pytest.approx(2 / 3)
    assert stats.unrouted == (("how do i withdraw?", 3), ("<b>kapan</b> dana cair", 1))


async def test_empty_community(core: Core, repo: SqliteRepository) -> None:
    stats = await community_stats(repo, "telegram", "-1", NOW)
    assert all(w.total == 0 for w in stats.windows) and not stats.helpful and not stats.unrouted
    out = render_stats(core, stats, "nl", "text")
    assert "Nog geen vragen." in out


async def test_rendering_is_localised_and_escaped(core: Core, repo: SqliteRepository) -> None:
    await _record(repo)
    await repo.record_unrouted("discord", "g1", "ping @everyone *now*", "en", at=ago(1))
    stats = await community_stats(repo, "discord", "g1", NOW)
    text = render_stats(core, stats, "en", "text")
    assert "Last 7 days" in text and "Last 30 days" in text
    assert core.t("en", f"{CANCEL}.title") in text
    assert "2 of 3 helpful (67%)" in text
    assert "how do i withdraw? (3×)" in text
    telegram = render_stats(core, stats, "id", "telegram")
    assert telegram.startswith("<b>Statistik komunitas ini</b>")
    assert "&lt;b&gt;kapan&lt;/b&gt;" in telegram and "<b>kapan" not in telegram
    discord = render_stats(core, stats, "nl", "discord")
    assert discord.startswith("**Statistieken van deze community**")
    assert "@everyone" not in discord and r"\*now\*" in discord
    # No member identities anywhere.
    for out in (text, telegram, discord):
        assert "u1" not in out and "u3" not in out
    with pytest.raises(ValueError):
        render_stats(core, stats, "en", "html")


@pytest.mark.parametrize("fmt", ["text", "telegram", "discord"])
async def test_languages_are_named_in_the_readers_language(
    core: Core, repo: SqliteRepository, fmt: str
) -> None:
    await _record(repo)
    stats = await community_stats(repo, "discord", "g1", NOW)
    dutch = render_stats(core, stats, "nl", fmt)
    month = dutch[dutch.index("30") :]  # the 30-day window lists English, Indonesian and Dutch
    assert [n for n in ("Engels", "Indonesisch", "Nederlands") if f" {n}: " in month] == [
        "Engels",
        "Indonesisch",
        "Nederlands",
    ]
    assert "English" not in dutch and "Indonesia:" not in dutch  # no autonyms
    english = render_stats(core, stats, "en", fmt)
    assert " Dutch: 1" in english and " Indonesian: 1" in english and "Nederlands" not in english
    indonesian = render_stats(core, stats, "id", fmt)
    assert " Inggris: " in indonesian and " Belanda: 1" in indonesian


@pytest.mark.parametrize("fmt", ["telegram", "discord"])
async def test_quoted_member_text_pings_no_one(
    core: Core, repo: SqliteRepository, fmt: str
) -> None:
    await repo.record_unrouted(fmt, "g9", "@everyone ask @some_member about @here", "en", at=ago(1))
    stats = await community_stats(repo, fmt, "g9", now=NOW)
    text = render_stats(core, stats, "en", fmt)
    shown = text.replace("\\", "")  # Discord's escaping of "_"
    for handle in ("everyone", "some_member", "here"):
        assert f"@{handle}" not in shown  # no readable handle: no mention
        assert f"@\u2060{handle}" in shown  # still legible to the moderators
