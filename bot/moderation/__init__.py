"""The platform-neutral part of the moderators' features.

Community notes (:mod:`~bot.moderation.notes`), statistics (:mod:`~bot.moderation.stats`),
deadline reminders (:mod:`~bot.moderation.reminders`), living pins
(:mod:`~bot.moderation.pins`), permissions and the action log
(:mod:`~bot.moderation.permissions`), button tokens (:mod:`~bot.moderation.tokens`), and
:class:`~bot.moderation.service.Moderation`, which adapters call for every moderator action.
Nothing here imports discord or telegram.
"""

from __future__ import annotations

from bot.moderation.notes import NoteProblem, validate_note, with_community_note
from bot.moderation.permissions import Actor, Refusal, record, require_moderator
from bot.moderation.reminders import (
    Clock,
    ManualClock,
    ReminderRefusal,
    ReminderService,
    SystemClock,
)
from bot.moderation.service import Moderation
from bot.moderation.stats import Stats, community_stats, render_stats

__all__ = [
    "Actor",
    "Clock",
    "ManualClock",
    "Moderation",
    "NoteProblem",
    "Refusal",
    "ReminderRefusal",
    "ReminderService",
    "Stats",
    "SystemClock",
    "community_stats",
    "record",
    "render_stats",
    "require_moderator",
    "validate_note",
    "with_community_note",
]
