"""The repository as the adapters use it: cached reads, statistics off the reply path.

Every interaction needs the member's saved language and the server's settings, and every guide
shown in a server its moderators' note; all change rarely. Reads are cached for ``ttl``
seconds, and writes made through this object clear their entry at once, so a member's own
``/language`` takes effect immediately. A change made by another process (or through another
repository object) is seen after at most ``ttl`` seconds.

Question statistics (``record_question``, ``record_unrouted``) and the questions kept for
members' picks (``keep_asked``) are written in the background, in batches, so the answer does
not wait for a database commit; :meth:`CachedPreferences.flush`
(called when the bot closes) waits for the writes still under way. A batch gathers a second of
questions, and the next one waits its own second after the write: under load the writes would
otherwise follow each other back to back and keep the database busy for the statements a reply
does wait for (a vote, a member's language read after the cache expired).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from cachetools import TTLCache

from bot.core import situations
from bot.storage import CommunitySettings, Repository
from bot.storage.values import utc_or_now

log = logging.getLogger(__name__)

_MISSING = object()


class CachedPreferences:
    """Wraps a :class:`~bot.storage.Repository`: cached reads, batched writes (statistics, kept
    questions); everything else passes through.

    Args:
        repo: The real repository.
        ttl: Seconds a read stays valid.
        size: Most entries kept per kind (least recently used go first).
        batch_delay: Seconds of statistics gathered into one write.
    """

    def __init__(
        self, repo: Repository, ttl: float = 15.0, size: int = 50_000, batch_delay: float = 1.0
    ) -> None:
        self._repo = repo
        self._members: TTLCache[tuple[str, str], str | None] = TTLCache(size, ttl)
        self._communities: TTLCache[tuple[str, str], CommunitySettings | None] = TTLCache(size, ttl)
        self._notes: TTLCache[tuple[str, str, str], str | None] = TTLCache(size, ttl)
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._kept: set[str] = set()  # refs of questions queued or being written
        self._drainer: asyncio.Task[None] | None = None
        self._batch_delay = batch_delay
        self._flushing = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)

    async def get_member_language(self, platform: str, user_id: str) -> str | None:
        key = (platform, user_id)
        found = self._members.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = await self._repo.get_member_language(platform, user_id)
        self._members[key] = value
        return value

    async def set_member_language(self, platform: str, user_id: str, lang: str | None) -> None:
        self._members.pop((platform, user_id), None)
        await self._repo.set_member_language(platform, user_id, lang)

    async def get_community(self, platform: str, chat_id: str) -> CommunitySettings | None:
        key = (platform, chat_id)
        found = self._communities.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = await self._repo.get_community(platform, chat_id)
        self._communities[key] = value
        return value

    async def set_community_language(self, platform: str, chat_id: str, lang: str | None) -> None:
        self._communities.pop((platform, chat_id), None)
        await self._repo.set_community_language(platform, chat_id, lang)

    async def move_community(self, platform: str, old_chat_id: str, new_chat_id: str) -> int:
        for chat_id in (old_chat_id, new_chat_id):
            self._communities.pop((platform, chat_id), None)
            for sid in situations.BY_ID:
                self._notes.pop((platform, chat_id, sid), None)
        return await self._repo.move_community(platform, old_chat_id, new_chat_id)

    async def get_note(self, platform: str, chat_id: str, situation: str) -> str | None:
        key = (platform, chat_id, situation)
        found = self._notes.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = await self._repo.get_note(platform, chat_id, situation)
        self._notes[key] = value
        return value

    async def set_note(
        self,
        platform: str,
        chat_id: str,
        situation: str,
        text: str,
        author_id: str,
        at: datetime | None = None,
    ) -> None:
        self._notes.pop((platform, chat_id, situation), None)
        await self._repo.set_note(platform, chat_id, situation, text, author_id, at)

    async def delete_note(self, platform: str, chat_id: str, situation: str) -> bool:
        self._notes.pop((platform, chat_id, situation), None)
        return await self._repo.delete_note(platform, chat_id, situation)

    # -- statistics, written in batches in the background -----------------------------------
    def _queue(self, kind: str, row: tuple[Any, ...]) -> None:
        # One database round trip per batch instead of one per question: under load the
        # questions that arrive while a batch is written go into the next one.
        self._pending.append((kind, row))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        # Gather a second of questions into one write (statistics are read in days, not
        # seconds), and wait again before the next one (see the module docstring); a flush or
        # close writes at once.
        while self._pending:
            if not self._flushing.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._flushing.wait(), self._batch_delay)
            batch, self._pending = self._pending, []
            questions = [row for kind, row in batch if kind == "question"]
            unrouted = [row for kind, row in batch if kind == "unrouted"]
            kept = [row for kind, row in batch if kind == "asked"]
            await self._write(self._repo.record_questions, questions)
            await self._write(self._repo.record_unrouted_many, unrouted)
            await self._write(self._repo.keep_asked_many, kept)
            self._kept.difference_update(row[0] for row in kept)

    async def _write(self, write: Any, rows: list[tuple[Any, ...]]) -> None:
        """Write a batch; if it fails, each row alone, so one bad row loses only itself."""
        if not rows:
            return
        try:
            await write(rows)
            return
        except Exception:
            if len(rows) == 1:
                log.exception("statistics write failed", extra={"rows": 1})
                return
        for row in rows:
            await self._write(write, [row])

    async def record_question(
        self,
        platform: str,
        chat_id: str | None,
        situation: str | None,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        self._queue("question", (platform, chat_id, situation, lang, utc_or_now(at)))

    async def record_unrouted(
        self,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        at: datetime | None = None,
    ) -> None:
        self._queue("unrouted", (platform, chat_id, text, lang, utc_or_now(at)))

    async def keep_asked(
        self,
        ref: str,
        platform: str,
        chat_id: str | None,
        text: str,
        lang: str,
        situation: str | None,
        at: datetime | None = None,
    ) -> None:
        # Kept with the statistics: most answers are never voted on or picked from, and a
        # pick that comes before the batch is written waits for it (_written).
        self._kept.add(ref)
        self._queue("asked", (ref, platform, chat_id, text, lang, situation, utc_or_now(at)))

    async def _written(self, ref: str) -> None:
        if ref in self._kept:
            await self.flush()

    async def get_asked(self, ref: str) -> Any:
        await self._written(ref)
        return await self._repo.get_asked(ref)

    async def mark_asked_unhelpful(self, ref: str, at: datetime | None = None) -> bool:
        await self._written(ref)
        return await self._repo.mark_asked_unhelpful(ref, at)

    async def mark_asked_answered(self, platform: str, chat_id: str, ref: str) -> bool:
        await self._written(ref)
        return await self._repo.mark_asked_answered(platform, chat_id, ref)

    async def flush(self) -> None:
        """Wait for the statistics writes still under way."""
        self._flushing.set()
        try:
            while self._drainer is not None and not self._drainer.done():
                await self._drainer
        finally:
            self._flushing.clear()

    async def close(self) -> None:
        """Finish the pending statistics writes, then close the real repository."""
        await self.flush()
        await self._repo.close()
