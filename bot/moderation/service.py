"""One object adapters call for every moderator action: permission check, action, log entry.

Each method takes the :class:`~bot.moderation.permissions.Actor` the adapter built from the
platform (whatever reached it: command, button, callback or modal) and returns either its
result or a :class:`~bot.moderation.permissions.Refusal` (or a
:class:`~bot.moderation.notes.NoteProblem` for a bad note). Nothing changes before the check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.core.engine import Core
from bot.core.language import match_locale
from bot.moderation import pins as pins_mod
from bot.moderation.notes import NoteProblem, check_situation, validate_note
from bot.moderation.permissions import Actor, Need, Refusal, record, require_moderator
from bot.moderation.stats import Stats, community_stats
from bot.storage import CommunityNote, ModeratorAction, PinRecord, Repository


class Moderation:
    """Moderator actions for one platform-neutral core and storage."""

    def __init__(
        self, core: Core, repo: Repository, now: Callable[[], datetime] | None = None
    ) -> None:
        """Args: the core, storage, and a time source for stats (UTC now by default)."""
        self.core = core
        self.repo = repo
        self._now = now or (lambda: datetime.now(UTC))

    @staticmethod
    def check(actor: Actor, chat_id: str | None, need: Need = "manage") -> Refusal | None:
        """The permission check every method starts with (exposed for adapters' own actions)."""
        return require_moderator(actor, need, chat_id)

    # -- community language ----------------------------------------------------------------------

    async def set_language(
        self, actor: Actor, chat_id: str | None, value: str | None
    ) -> str | Refusal | NoteProblem | None:
        """Set the community's language, or with None/"auto" follow each member.

        Returns:
            The language code set, None for "follow each member", a refusal, or
            ``NoteProblem("unknown_language")`` for a language the bot does not speak.
        """
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        lang: str | None = None
        if value is not None and value.strip().lower() not in ("", "auto", "follow", "member"):
            lang = match_locale(value, self.core.languages)
            if lang is None:
                return NoteProblem("unknown_language", value=value.strip()[:20])
        await self.repo.set_community_language(actor.platform, chat_id, lang)
        await record(self.repo, actor, chat_id, "language.set", lang or "follow each member")
        return lang

    # -- notes -----------------------------------------------------------------------------------

    async def set_note(
        self, actor: Actor, chat_id: str | None, situation: str, raw: str
    ) -> str | Refusal | NoteProblem:
        """Add or replace the community's note under a situation; returns the stored text."""
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        sid = check_situation(situation)
        if isinstance(sid, NoteProblem):
            return sid
        note = validate_note(raw)
        if isinstance(note, NoteProblem):
            return note
        await self.repo.set_note(actor.platform, chat_id, sid, note, actor.user_id)
        await record(self.repo, actor, chat_id, "note.set", f"{sid}: {note}")
        return note

    async def remove_note(
        self, actor: Actor, chat_id: str | None, situation: str
    ) -> bool | Refusal:
        """Remove the community's note under a situation; False if there was none."""
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        sid = (situation or "").strip().lower()
        removed = await self.repo.delete_note(actor.platform, chat_id, sid)
        if removed:
            await record(self.repo, actor, chat_id, "note.remove", sid)
        return removed

    async def notes(self, actor: Actor, chat_id: str | None) -> list[CommunityNote] | Refusal:
        """The community's notes."""
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        return await self.repo.list_notes(actor.platform, chat_id)

    # -- stats and log ---------------------------------------------------------------------------

    async def stats(self, actor: Actor, chat_id: str | None) -> Stats | Refusal:
        """The community's statistics up to now."""
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        return await community_stats(self.repo, actor.platform, chat_id, self._now())

    async def action_log(
        self, actor: Actor, chat_id: str | None, limit: int = 50
    ) -> list[ModeratorAction] | Refusal:
        """The community's moderator actions, newest first."""
        if (refusal := self.check(actor, chat_id)) is not None:
            return refusal
        assert chat_id is not None
        return await self.repo.list_actions(actor.platform, chat_id, limit)

    # -- pins ------------------------------------------------------------------------------------

    async def pins(self, actor: Actor, chat_id: str | None) -> list[PinRecord] | Refusal:
        """The bot's pinned answers in this chat."""
        if (refusal := self.check(actor, chat_id, "pins")) is not None:
            return refusal
        assert chat_id is not None
        return await self.repo.list_pins(actor.platform, chat_id)

    async def forget_pin(
        self, actor: Actor, chat_id: str | None, message_id: str
    ) -> PinRecord | Refusal | None:
        """Forget one of the bot's pins in this chat (the adapter unpins it).

        Returns:
            The forgotten pin (so the adapter can unpin exactly that message), None if the bot
            has no such pin here, or a refusal.
        """
        if (refusal := self.check(actor, chat_id, "pins")) is not None:
            return refusal
        assert chat_id is not None
        pin = next(
            (p for p in await self.repo.list_pins(actor.platform, chat_id)
             if p.message_id == message_id),
            None,
        )  # fmt: skip
        if pin is None or not await self.repo.forget_pin(actor.platform, chat_id, message_id):
            return None
        await record(self.repo, actor, chat_id, "pin.remove", f"{pin.situation} ({message_id})")
        return pin

    async def refresh_pins(
        self, actor: Actor, chat_id: str | None, edit: pins_mod.Edit
    ) -> pins_mod.RefreshReport | Refusal:
        """Refresh this chat's outdated pinned answers in place."""
        if (refusal := self.check(actor, chat_id, "pins")) is not None:
            return refusal
        assert chat_id is not None
        report = await pins_mod.refresh(
            self.repo, actor.platform, self.core.content_version, edit, chat_id
        )
        await record(
            self.repo, actor, chat_id, "pins.refresh",
            f"edited {report.edited}, forgotten {report.forgotten}, failed {report.failed}",
        )  # fmt: skip
        return report
