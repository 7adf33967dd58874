"""Deadline reminders: schedule, list, cancel, and send the due ones by direct message.

Everything lives in storage, so a restarted process picks up where the last one stopped: at
start-up the background loop runs at once, sending what fell due while the bot was down
(marked late) and dropping what is past its deadline. The adapter supplies ``send``, which
delivers one reminder as a direct message and returns whether it arrived.

Within one process each due reminder is sent once (runs are serialised by a lock, and a
reminder leaves ``pending`` right after its send). Run one service per platform (pass
``platform=``) so the Telegram and Discord processes never take each other's reminders. If the
process dies between a send and its bookkeeping, that one reminder is sent again, late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot import metrics
from bot.core import situations
from bot.moderation.refusals import ReminderRefused
from bot.moderation.texts import text
from bot.storage import Reminder, Repository

log = logging.getLogger(__name__)

#: The marketplace accepts a cancellation request automatically after this long (the fact
#: lives on the situation, :attr:`~bot.core.situations.Situation.deadline_hours`).
DEADLINE = timedelta(hours=float(situations.WITH_DEADLINE.deadline_hours or 0))
#: Reminder times a member can choose, in hours after the request.
CHOICES_HOURS: tuple[int, ...] = (12, 24, 36, 46)
#: A reminder sent more than this after its time is marked late.
LATE_AFTER = timedelta(minutes=5)
#: Pending reminders one member may have.
MAX_PENDING = 5
#: How long one process holds a claim on due reminders it is sending.
LEASE = timedelta(minutes=10)
#: Failed deliveries before a reminder is given up.
MAX_ATTEMPTS = 3
#: Clock skew tolerated on a request time that lies in the future.
SKEW = timedelta(minutes=5)

#: Delivers one reminder (``late`` says it is overdue); returns True if it arrived.
Send = Callable[[Reminder, bool], Awaitable[bool]]


class Clock(Protocol):
    """Where the service gets the time from."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to, for tests."""

    def __init__(self, start: datetime) -> None:
        """Start at ``start`` (timezone-aware)."""
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start

    def now(self) -> datetime:
        """The clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new time."""
        self._now += delta
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when``."""
        self._now = when


@dataclass(frozen=True)
class RunReport:
    """What one :meth:`ReminderService.run_due` did."""

    sent: int = 0
    late: int = 0
    dropped: int = 0
    retrying: int = 0
    failed: int = 0


def parse_choice(
    value: str | int | timedelta, choices: tuple[int, ...] = CHOICES_HOURS
) -> timedelta | None:
    """Return the offset a member chose (``"12h"``, ``"12"``, ``12``), or None if not offered."""
    if isinstance(value, timedelta):
        hours_f = value.total_seconds() / 3600
        return value if hours_f.is_integer() and int(hours_f) in choices else None
    raw = str(value).strip().lower().removesuffix("h").strip()
    if not raw.isdigit() or int(raw) not in choices:
        return None
    return timedelta(hours=int(raw))


def format_time(when: datetime) -> str:
    """A time as members see it: ``2024-06-01 14:00 UTC``."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def reminder_text(reminder: Reminder, late: bool) -> str:
    """The direct message for a reminder, as plain text in the reminder's language."""
    body = text(reminder.lang, "reminder.message", deadline=format_time(reminder.deadline_at))
    return f"{body}\n{text(reminder.lang, 'reminder.late')}" if late else body


class ReminderService:
    """Schedules, lists, cancels and sends deadline reminders."""

    def __init__(
        self,
        repo: Repository,
        clock: Clock | None = None,
        *,
        platform: str | None = None,
        interval: float = 30.0,
        late_after: timedelta = LATE_AFTER,
        choices: tuple[int, ...] = CHOICES_HOURS,
        deadline: timedelta = DEADLINE,
        max_pending: int = MAX_PENDING,
        max_attempts: int = MAX_ATTEMPTS,
        batch: int = 200,
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        """Create the service; nothing runs until :meth:`start` or :meth:`run_due`.

        Args:
            repo: Storage.
            clock: Time source; the real clock by default.
            platform: Send only this platform's reminders (None: all).
            interval: Seconds between checks of the background loop.
            late_after: A reminder sent later than this after its time is marked late.
            choices: Offered reminder times, in hours after the request.
            deadline: How long after the request the deadline falls.
            max_pending: Pending reminders allowed per member.
            max_attempts: Failed deliveries before giving a reminder up.
            batch: Most reminders handled per run (the rest wait for the next run).
            owner: Names this process in its claims (host and process id by default).
            lease: How long a claim on due reminders holds: longer than a batch takes to
                send; a process that dies holding one frees its reminders after it.
        """
        if any(h * 3600 >= deadline.total_seconds() or h <= 0 for h in choices):
            raise ValueError("every reminder choice must fall inside the deadline")
        self.repo = repo
        self.clock: Clock = clock or SystemClock()
        self.platform = platform
        self.interval = interval
        self.late_after = late_after
        self.choices = choices
        self.deadline = deadline
        self.max_pending = max_pending
        self.max_attempts = max_attempts
        self.batch = batch
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.lease = lease
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False

    # -- members -------------------------------------------------------------------------------

    async def schedule(
        self,
        platform: str,
        user_id: str,
        choice: str | int | timedelta,
        *,
        lang: str,
        situation: str = situations.WITH_DEADLINE.id,
        chat_id: str | None = None,
        requested_at: datetime | None = None,
    ) -> Reminder:
        """Schedule a reminder ``choice`` after the request; refuse clearly when it cannot be.

        Args:
            platform: Platform name.
            user_id: The member's raw user id (the direct-message recipient).
            choice: One of the offered times (``"12h"``, ``24``, ``timedelta(hours=36)``).
            lang: Language of the reminder.
            situation: What the reminder is about.
            chat_id: Where the member asked, or None.
            requested_at: When the deadline started (e.g. when the answer was shown, carried
                in the button token); defaults to now.

        Returns:
            The stored reminder.

        Raises:
            ReminderRefused: ``bad_choice``, ``bad_request_time``, ``after_deadline``,
                ``past`` or ``too_many``.
        """
        now = self.clock.now()
        offset = parse_choice(choice, self.choices)
        if offset is None:
            raise ReminderRefused("bad_choice", choices=", ".join(f"{h}h" for h in self.choices))
        start = requested_at or now
        if start > now + SKEW or start <= now - self.deadline:
            raise ReminderRefused("bad_request_time")
        remind_at = start + offset
        deadline_at = start + self.deadline
        if remind_at >= deadline_at:
            raise ReminderRefused("after_deadline")
        if remind_at <= now:
            raise ReminderRefused("past")
        if len(await self.repo.list_reminders(platform, user_id)) >= self.max_pending:
            raise ReminderRefused("too_many", max=self.max_pending)
        rid = await self.repo.add_reminder(
            platform, user_id, chat_id, situation, lang, remind_at, deadline_at,
            requested_at=start,
        )  # fmt: skip
        log.info("reminder scheduled", extra={"platform": platform, "reminder": rid})
        reminder = await self.repo.get_reminder(rid)
        assert reminder is not None
        return reminder

    async def pending(self, platform: str, user_id: str) -> list[Reminder]:
        """A member's pending reminders, earliest first."""
        return await self.repo.list_reminders(platform, user_id)

    async def cancel(self, platform: str, user_id: str, reminder_id: int) -> bool:
        """Cancel a member's own pending reminder; False for anyone else's, or none."""
        return await self.repo.cancel_reminder(platform, user_id, reminder_id)

    # -- sending -------------------------------------------------------------------------------

    async def run_due(self, send: Send) -> RunReport:
        """Send every due reminder once; mark late ones, drop those past their deadline.

        Args:
            send: Delivers one reminder; returns True if it arrived. An exception counts as a
                failed delivery; after ``max_attempts`` failures the reminder is given up.
        """
        async with self._lock:
            now = self.clock.now()
            # Claimed, not just read: with several processes on one database each reminder
            # is sent by exactly one of them.
            due = await self.repo.claim_due_reminders(
                now, self.platform, self.owner, self.lease, limit=self.batch
            )
            metrics.REMINDERS_DUE.set(len(due))
            sent = late_n = dropped = retrying = failed = 0
            for r in due:
                if now >= r.deadline_at:
                    if await self.repo.drop_reminder(r.id, now):
                        dropped += 1
                        log.info("reminder dropped: deadline passed", extra={"reminder": r.id})
                    continue
                # the claim may have run out while earlier ones were sent: hold it again now
                renewed = await self.repo.renew_reminder_claim(
                    r.id, self.owner, self.clock.now(), self.lease
                )
                if not renewed:
                    log.info("reminder taken over by another process", extra={"reminder": r.id})
                    continue
                late = now - r.remind_at > self.late_after
                try:
                    ok = await send(r, late)
                except Exception:
                    log.exception("sending reminder %d failed", r.id)
                    ok = False
                if ok:
                    await self.repo.mark_reminder_sent(r.id, now)
                    metrics.REMINDERS_SENT.labels(late=str(late).lower()).inc()
                    sent += 1
                    late_n += int(late)
                    continue
                if await self.repo.count_reminder_attempt(r.id) >= self.max_attempts:
                    await self.repo.drop_reminder(r.id, now, status="failed")
                    failed += 1
                    log.warning("reminder %d given up after failed deliveries", r.id)
                else:
                    retrying += 1
            return RunReport(sent, late_n, dropped, retrying, failed)

    # -- background loop -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the background loop is running."""
        return self._task is not None and not self._task.done()

    def start(self, send: Send) -> asyncio.Task[None]:
        """Start the background loop (a first run happens at once). Idempotent.

        Args:
            send: As for :meth:`run_due`.
        """
        if self._task is not None and not self._task.done():
            return self._task
        self._stopping = False
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(
            self._loop(send), name="sellerbot-reminders"
        )
        return self._task

    def poke(self) -> None:
        """Run the next check now instead of after the interval."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop the background loop and wait for it (a send in progress finishes first)."""
        task = self._task
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self._task = None

    async def _loop(self, send: Send) -> None:
        while not self._stopping:
            try:
                report = await self.run_due(send)
                if report != RunReport():
                    log.info("reminders run: %s", report)
            except Exception:
                log.exception("reminder run failed; retrying after %s s", self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()
