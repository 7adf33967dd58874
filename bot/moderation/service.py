"""One object adapters call for every moderator action: permission check, action, log entry.

Each method takes the :class:`~bot.moderation.permissions.Actor` the adapter built from the
platform (whatever reached it: command, button, callback or modal) and the community id, is
checked by :func:`~bot.moderation.permissions.requires` before it runs, and raises a
:class:`~bot.moderation.refusals.Refused` for what may not or cannot be done. Nothing changes
before the check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

from bot.core.engine import Core
from bot.core.language import match_locale
from bot.moderation import pins as pins_mod
from bot.moderation.notes import check_situation, situation_answer, validate_note
from bot.moderation.permissions import Actor, Need, record, require, requires
from bot.moderation.refusals import DashboardRefused, NoteRefused
from bot.moderation.stats import Stats, community_stats
from bot.moderation.surface import PinSurface
from bot.storage import CommunityNote, ModeratorAction, PinRecord, Repository
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)

#: Seconds a community's refresh waits while another process refreshes its pins.
WAIT = 5.0

#: How pinning an answer went: ``pinned``; ``cannot_pin`` (the bot lacks the right here);
#: ``refused`` (the platform would not pin it); ``failed`` (no answer from the platform, the
#: pin taken back); ``not_saved`` (pinned, but the record could not be written: taken back).
PinOutcome = Literal["pinned", "cannot_pin", "refused", "failed", "not_saved"]
#: How unpinning went: ``removed``; ``unknown`` (no such pin of the bot's here); ``refused``
#: (the platform would not unpin it: the pin and its record stay).
UnpinOutcome = Literal["removed", "unknown", "refused"]


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
    def check(actor: Actor, chat_id: str | None, need: Need = "manage") -> str:
        """The permission check every method starts with (for adapters' own actions); the
        checked community id, or :class:`~bot.moderation.refusals.NotAllowed` raised."""
        return require(actor, need, chat_id)

    # -- community language ----------------------------------------------------------------------

    @requires("manage")
    async def set_language(self, actor: Actor, chat_id: str, value: str | None) -> str | None:
        """Set the community's language, or with None/"auto" follow each member.

        Returns:
            The language code set, or None for "follow each member".

        Raises:
            NoteRefused: ``unknown_language`` for a language the bot does not speak.
        """
        lang: str | None = None
        if value is not None and value.strip().lower() not in ("", "auto", "follow", "member"):
            lang = match_locale(value, self.core.languages)
            if lang is None:
                raise NoteRefused("unknown_language", value=value.strip()[:20])
        await self.repo.set_community_language(actor.platform, chat_id, lang)
        await record(self.repo, actor, chat_id, "language.set", lang or "follow each member")
        return lang

    # -- notes -----------------------------------------------------------------------------------

    @requires("manage")
    async def set_note(self, actor: Actor, chat_id: str, situation: str, raw: str) -> str:
        """Add or replace the community's note under a situation; returns the stored text."""
        sid = check_situation(situation)
        note = validate_note(raw)
        await self.repo.set_note(actor.platform, chat_id, sid, note, actor.user_id)
        await record(self.repo, actor, chat_id, "note.set", f"{sid}: {note}")
        return note

    @requires("manage")
    async def remove_note(self, actor: Actor, chat_id: str, situation: str) -> bool:
        """Remove the community's note under a situation; False if there was none."""
        sid = (situation or "").strip().lower()
        removed = await self.repo.delete_note(actor.platform, chat_id, sid)
        if removed:
            await record(self.repo, actor, chat_id, "note.remove", sid)
        return removed

    @requires("manage")
    async def notes(self, actor: Actor, chat_id: str) -> list[CommunityNote]:
        """The community's notes."""
        return await self.repo.list_notes(actor.platform, chat_id)

    # -- stats and log ---------------------------------------------------------------------------

    @requires("manage")
    async def stats(self, actor: Actor, chat_id: str) -> Stats:
        """The community's statistics up to now."""
        return await community_stats(self.repo, actor.platform, chat_id, self._now())

    @requires("manage")
    async def action_log(
        self, actor: Actor, chat_id: str, limit: int = 50
    ) -> list[ModeratorAction]:
        """The community's moderator actions, newest first."""
        return await self.repo.list_actions(actor.platform, chat_id, limit)

    # -- pins ------------------------------------------------------------------------------------

    @requires("pins")
    async def pins(self, actor: Actor, chat_id: str) -> list[PinRecord]:
        """The bot's pinned answers in this chat."""
        return await self.repo.list_pins(actor.platform, chat_id)

    @requires("pins")
    async def forget_pin(self, actor: Actor, chat_id: str, message_id: str) -> PinRecord | None:
        """Forget one of the bot's pins in this chat (the adapter unpins it).

        Returns:
            The forgotten pin (so the adapter can unpin exactly that message), or None if the
            bot has no such pin here.
        """
        pin = next(
            (p for p in await self.repo.list_pins(actor.platform, chat_id)
             if p.message_id == message_id),
            None,
        )  # fmt: skip
        if pin is None or not await self.repo.forget_pin(actor.platform, chat_id, message_id):
            return None
        await record(self.repo, actor, chat_id, "pin.remove", f"{pin.situation} ({message_id})")
        return pin

    @requires("pins")
    async def pin(
        self, actor: Actor, chat_id: str, situation: str, lang: str, surface: PinSurface
    ) -> tuple[PinOutcome, str | None]:
        """Post the guide for ``situation`` in ``lang`` (with the community's note), pin it,
        record the pin and log it; whatever fails half-way is taken back, so no pinned guide
        is ever left without its record (it would never be refreshed nor listed).

        Returns:
            The outcome, and the posted message's ref (None when nothing was posted).
        """
        if not await surface.can_pin():
            return "cannot_pin", None
        answer = await situation_answer(
            self.core, self.repo, actor.platform, chat_id, situation, lang
        )
        ref = await surface.post(answer)
        if ref is None:
            return "failed", None
        pinned = await surface.pin(ref)
        if pinned != "pinned":
            return pinned, ref
        version = pins_mod.pin_version(self.core.content_version, answer.community_note)
        try:
            await self.repo.record_pin(
                actor.platform, chat_id, ref, situation, answer.lang, version
            )
        except StorageError:
            log.exception("pin not recorded: taking the pin back")
            await surface.unpin(ref)
            return "not_saved", ref
        await record(self.repo, actor, chat_id, "pin.add", f"{situation} ({ref})")
        log.info("answer pinned", extra={"situation": situation, "lang": answer.lang})
        return "pinned", ref

    @requires("pins")
    async def unpin(
        self,
        actor: Actor,
        chat_id: str,
        which: Callable[[PinRecord], bool],
        surface: PinSurface,
    ) -> tuple[UnpinOutcome, PinRecord | None]:
        """Unpin the bot's first pin here that ``which`` picks, then forget it (and log it).

        Returns:
            The outcome, and the pin (None when there is no such pin).
        """
        pin = next((p for p in await self.repo.list_pins(actor.platform, chat_id) if which(p)),
                   None)  # fmt: skip
        if pin is None:
            return "unknown", None
        if not await surface.unpin(pin.message_id):
            return "refused", pin
        await self.forget_pin(actor, chat_id, pin.message_id)
        return "removed", pin

    async def refresh_after_note(self, platform: str, chat_id: str, edit: pins_mod.Edit) -> None:
        """After a note changed: the community's pinned guides under it show the new note at
        once (an edit that fails is retried at the next refresh; nothing is raised)."""
        try:
            await pins_mod.refresh(
                self.repo, platform, self.core.content_version, edit, chat_id, wait=WAIT
            )
        except Exception:
            log.exception("refreshing the pinned answers after a note change failed")

    @requires("pins")
    async def refresh_pins(
        self, actor: Actor, chat_id: str, edit: pins_mod.Edit
    ) -> pins_mod.RefreshReport:
        """Refresh this chat's outdated pinned answers in place."""
        report = await pins_mod.refresh(
            self.repo, actor.platform, self.core.content_version, edit, chat_id, wait=WAIT
        )
        await record(
            self.repo, actor, chat_id, "pins.refresh",
            f"edited {report.edited}, forgotten {report.forgotten}, failed {report.failed}",
        )  # fmt: skip
        return report

    # -- the web dashboard -----------------------------------------------------------------------

    @requires("manage")
    async def dashboard_link(self, actor: Actor, chat_id: str, base_url: str | None) -> str:
        """A one-time sign-in link to this community's dashboard, valid for 10 minutes (see
        :mod:`bot.web.links`); the adapter sends it to the moderator in private.

        Raises:
            DashboardRefused: ``off`` when the dashboard has no address configured.
        """
        from bot.web.links import issue_link

        if not base_url:
            raise DashboardRefused("off")
        url = await issue_link(self.repo, base_url, actor.platform, chat_id)
        await record(self.repo, actor, chat_id, "dashboard.link")
        return url
