"""Community statistics for moderators: counts, helpfulness, questions the bot could not place.

Only aggregates leave storage: no member ids, and unrouted questions as normalised text only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from bot.core.engine import Core
from bot.storage import Repository

#: The windows moderators see, in days.
WINDOWS = (7, 30)
#: Days the helpful ratios and unrouted questions cover.
DETAIL_DAYS = 30
#: How many unrouted questions to show.
TOP_UNROUTED = 10
#: Longest unrouted question shown, in characters.
MAX_SHOWN_QUESTION = 120


@dataclass(frozen=True)
class Window:
    """Questions asked in the last ``days`` days.

    Attributes:
        days: Length of the window.
        total: All questions in it.
        by_situation: ``(situation or None, count)``, most frequent first; None = not placed.
        by_language: ``(lang, count)``, most frequent first.
    """

    days: int
    total: int
    by_situation: tuple[tuple[str | None, int], ...]
    by_language: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Helpfulness:
    """Votes on one situation's answers (all languages)."""

    situation: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        """All votes."""
        return self.helpful + self.not_helpful

    @property
    def ratio(self) -> float | None:
        """Share of helpful votes, or None without votes."""
        return self.helpful / self.total if self.total else None


@dataclass(frozen=True)
class Stats:
    """Everything a moderator sees for one community.

    Attributes:
        platform: Platform name.
        chat_id: The community (None with platform None: every community, for the terminal).
        generated_at: The ``now`` the windows end at.
        windows: One :class:`Window` per entry of :data:`WINDOWS`.
        helpful: Per situation, over :data:`DETAIL_DAYS` days.
        unrouted: ``(text, count)`` of the most frequent unplaced questions, text only.
    """

    platform: str | None
    chat_id: str | None
    generated_at: datetime
    windows: tuple[Window, ...]
    helpful: tuple[Helpfulness, ...]
    unrouted: tuple[tuple[str, int], ...]


K = TypeVar("K")


def _ranked(counter: Counter[K]) -> tuple[tuple[K, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))


async def community_stats(
    repo: Repository, platform: str | None, chat_id: str | None, now: datetime
) -> Stats:
    """Collect a community's statistics for the windows ending at ``now``.

    Args:
        repo: Storage.
        platform: Platform name.
        chat_id: The community (None with platform None: every community, for the terminal).
        now: End of the windows (timezone-aware).
    """
    windows = []
    for days in WINDOWS:
        rows = await repo.question_counts(platform, chat_id, since=now - timedelta(days=days))
        by_sid: Counter[str | None] = Counter()
        by_lang: Counter[str] = Counter()
        for sid, lang, count in rows:
            by_sid[sid] += count
            by_lang[lang] += count
        windows.append(Window(days, sum(by_lang.values()), _ranked(by_sid), _ranked(by_lang)))
    since = now - timedelta(days=DETAIL_DAYS)
    votes: dict[str, list[int]] = {}
    for row in await repo.feedback_summary(platform, chat_id, since=since):
        pair = votes.setdefault(row.situation, [0, 0])
        pair[0] += row.helpful
        pair[1] += row.not_helpful
    helpful = tuple(Helpfulness(sid, yes, no) for sid, (yes, no) in sorted(votes.items()))
    unrouted: Counter[str] = Counter()
    for u in await repo.unrouted_report(platform, chat_id, since=since, limit=TOP_UNROUTED * 3):
        unrouted[u.text] += u.count
    return Stats(platform, chat_id, now, tuple(windows), helpful, _ranked(unrouted)[:TOP_UNROUTED])


def render_stats(core: Core, stats: Stats, lang: str, fmt: str) -> str:
    """The statistics as one message in ``fmt``: ``text``, ``telegram`` (HTML) or ``discord``.

    Printed by the ``stats`` view's template (:mod:`bot.moderation.views`), which escapes
    every label and value for the format (stored question texts are member text).

    Raises:
        ValueError: For an unknown format.
    """
    from bot.moderation import views  # the views print Stats: imported when used

    return views.as_message(core, views.stats_view(stats, lang), fmt)
