"""The platform-neutral part of the moderators' features.

Community notes (:mod:`~bot.moderation.notes`), statistics (:mod:`~bot.moderation.stats`),
deadline reminders (:mod:`~bot.moderation.reminders`), living pins
(:mod:`~bot.moderation.pins`), permissions and the action log
(:mod:`~bot.moderation.permissions`), refusals (:mod:`~bot.moderation.refusals`), button
tokens (:mod:`~bot.moderation.tokens`), and
:class:`~bot.moderation.service.Moderation`, which adapters call for every moderator action.
Nothing here imports discord or telegram.
"""

from __future__ import annotations

from bot.moderation.notes import validate_note, with_community_note
from bot.moderation.permissions import Actor, record, require, requires
from bot.moderation.refusals import NotAllowed, NoteRefused, Refused, ReminderRefused
from bot.moderation.reminders import Clock, ManualClock, ReminderService, SystemClock
from bot.moderation.service import Moderation
from bot.moderation.stats import Stats, community_stats, render_stats

__all__ = [
    "Actor",
    "Clock",
    "ManualClock",
    "Moderation",
    "NotAllowed",
    "NoteRefused",
    "Refused",
    "ReminderRefused",
    "ReminderService",
    "Stats",
    "SystemClock",
    "community_stats",
    "record",
    "render_stats",
    "require",
    "requires",
    "validate_note",
    "with_community_note",
]
