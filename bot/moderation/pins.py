"""Living pins: find the bot's own pinned answers that show outdated guidance, and refresh them.

Only pins the bot recorded itself (see ``Repository.record_pin``) are ever considered, and
the adapter supplies the edit: it edits that same message in place (it stays pinned). A pin
whose message is gone is forgotten, never retried.

The version a pin should show is the core's ``content_version``, plus a short hash of the
community's note under that situation when there is one, so editing a note also refreshes
the pinned answers it appears under. Record new pins with :func:`pin_version`; a pin recorded
with the bare content version is refreshed once and then converges.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.storage import PinRecord, Repository

log = logging.getLogger(__name__)

#: What the adapter's edit did: edited in place, message is gone, or failed for now.
EditOutcome = Literal["edited", "gone", "failed"]
#: Edits one pinned message to show the current answer (with the community's note).
Edit = Callable[[PinRecord], Awaitable[EditOutcome]]
#: This process, as it holds a community's pins while refreshing them (see :func:`refresh`;
#: each refresh adds its own suffix, so two refreshes of one process exclude each other too).
OWNER = f"{socket.gethostname()}:{os.getpid()}"
#: How long one refresh may hold a community's pins (a process that dies frees them then).
LEASE = timedelta(minutes=10)


def pin_version(content_version: str, note: str | None) -> str:
    """The version a pinned answer shows: the content version, plus the note's hash if any."""
    if not note:
        return content_version
    return f"{content_version}+{hashlib.sha256(note.encode('utf-8')).hexdigest()[:8]}"


async def target_version(repo: Repository, pin: PinRecord, content_version: str) -> str:
    """The version ``pin`` should show now (see :func:`pin_version`)."""
    note = await repo.get_note(pin.platform, pin.chat_id, pin.situation)
    return pin_version(content_version, note)


async def plan_refresh(
    repo: Repository, platform: str, current_version: str, chat_id: str | None = None
) -> list[PinRecord]:
    """The bot's recorded pins that show something other than the current version.

    Args:
        repo: Storage.
        platform: Platform name.
        current_version: The core's ``content_version``.
        chat_id: Only this chat, or None for every chat on the platform.
    """
    stale = []
    for pin in await repo.list_pins(platform, chat_id):
        if pin.content_version != await target_version(repo, pin, current_version):
            stale.append(pin)
    return stale


async def mark_refreshed(repo: Repository, pin: PinRecord, version: str) -> bool:
    """Record that ``pin`` now shows ``version``; False if the pin was forgotten meanwhile."""
    return await repo.update_pin_version(pin.platform, pin.chat_id, pin.message_id, version)


async def forget_deleted(repo: Repository, pin: PinRecord) -> bool:
    """Forget a pin whose message was deleted (or unpinned) by hand; it is not retried."""
    forgotten = await repo.forget_pin(pin.platform, pin.chat_id, pin.message_id)
    if forgotten:
        log.info(
            "forgot a pinned answer whose message is gone",
            extra={"platform": pin.platform, "chat_id": pin.chat_id},
        )
    return forgotten


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh did."""

    edited: int = 0
    forgotten: int = 0
    failed: int = 0


async def refresh(
    repo: Repository,
    platform: str,
    current_version: str,
    edit: Edit,
    chat_id: str | None = None,
    *,
    wait: float = 0.0,
) -> RefreshReport:
    """Edit every outdated pin of the bot's in place, and record what each now shows.

    Call it at start-up (all chats) and for a moderator's refresh command (one chat). Pins
    whose edit ``failed`` keep their old version and are tried again next time; pins whose
    message is ``gone`` are forgotten. Each community's pins are refreshed by one process of
    the deployment at a time (a lease in storage): a community another process is refreshing
    is waited for up to ``wait`` seconds, then left to it, so no pin is edited twice.

    Args:
        repo: Storage.
        platform: Platform name.
        current_version: The core's ``content_version``.
        edit: The adapter's in-place edit of one pinned message.
        chat_id: Only this chat, or None for all.
        wait: Seconds to wait for a community another process is refreshing.
    """
    report = RefreshReport()
    owner = f"{OWNER}:{uuid.uuid4().hex[:8]}"
    stale = await plan_refresh(repo, platform, current_version, chat_id)
    for chat in sorted({p.chat_id for p in stale}):
        lease = f"pins:{platform}:{chat}"
        if not await _take(repo, lease, owner, wait):
            log.info("pinned answers left to the process refreshing them", extra={"chat": chat})
            continue
        try:
            # planned again under the lease: another process may have just refreshed some
            still = await plan_refresh(repo, platform, current_version, chat)
            done = await _refresh_pins(repo, current_version, edit, still)
        finally:
            await repo.release_lease(lease, owner)
        report = RefreshReport(
            report.edited + done.edited, report.forgotten + done.forgotten,
            report.failed + done.failed,
        )  # fmt: skip
    return report


async def _take(repo: Repository, lease: str, owner: str, wait: float) -> bool:
    """Take ``lease`` for ``owner``, trying again for up to ``wait`` seconds."""
    deadline = asyncio.get_running_loop().time() + wait
    while not await repo.take_lease(lease, owner, datetime.now(UTC), LEASE):
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.2)
    return True


async def _refresh_pins(
    repo: Repository, current_version: str, edit: Edit, stale: list[PinRecord]
) -> RefreshReport:
    edited = forgotten = failed = 0
    for pin in stale:
        version = await target_version(repo, pin, current_version)
        try:
            outcome = await edit(pin)
        except Exception:
            log.exception("editing a pinned answer failed")
            outcome = "failed"
        if outcome == "edited":
            edited += int(await mark_refreshed(repo, pin, version))
        elif outcome == "gone":
            forgotten += int(await forget_deleted(repo, pin))
        else:
            failed += 1
    return RefreshReport(edited, forgotten, failed)
