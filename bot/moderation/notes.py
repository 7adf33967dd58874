"""Community notes: validation, and the lookup used when composing an answer for a community.

A note is plain text; it is escaped for the platform's markup when the answer is rendered
(the templates escape every printed value), so validation only cleans and limits it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core import situations
from bot.core.answer import Answer
from bot.core.engine import Core
from bot.core.unicode import clean
from bot.moderation.refusals import NoteRefused
from bot.storage import Repository

#: Longest note, in characters, after cleaning.
MAX_NOTE_CHARS = 300

_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u0085\u2028\u2029]+")
# C0/C1 controls, DEL, and the bidirectional overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r" {2,}")


def clean_note(raw: str) -> str:
    """Return ``raw`` on one line: line breaks become spaces, control characters go, stripped;
    a lone surrogate becomes U+FFFD (it could be neither stored nor sent)."""
    one_line = _LINE_BREAKS.sub(" ", clean(raw or ""))
    return _SPACES.sub(" ", _CONTROL.sub("", one_line)).strip()


def validate_note(raw: str) -> str:
    """Return the cleaned note.

    Args:
        raw: What the moderator typed.

    Raises:
        NoteRefused: ``empty``, or ``too_long`` (with ``length`` and ``max``).
    """
    note = clean_note(raw)
    if not note:
        raise NoteRefused("empty")
    if len(note) > MAX_NOTE_CHARS:
        raise NoteRefused("too_long", length=len(note), max=MAX_NOTE_CHARS)
    return note


def check_situation(situation_id: str) -> str:
    """Return the known situation id (trimmed, lowercased); :class:`NoteRefused`
    ``unknown_situation`` is raised if there is none."""
    sid = (situation_id or "").strip().lower()
    if situations.get(sid) is None:
        raise NoteRefused("unknown_situation", value=sid[:40])
    return sid


async def note_for(
    repo: Repository, platform: str, chat_id: str | None, situation: str | None
) -> str | None:
    """The note a community set under a situation; None in private chats or when none is set."""
    if chat_id is None or situation is None:
        return None
    return await repo.get_note(platform, chat_id, situation)


async def with_community_note(
    repo: Repository, platform: str, chat_id: str | None, answer: Answer
) -> Answer:
    """Return ``answer`` with its community's note attached (unchanged when there is none).

    Use it on every situation answer shown in a community (asked, pressed, walked to, pinned).

    Args:
        repo: Storage.
        platform: Platform name.
        chat_id: The community, or None for a private chat.
        answer: An answer from the core.
    """
    note = await note_for(repo, platform, chat_id, answer.situation)
    if note is None or answer.community_note == note:
        return answer
    return replace(answer, community_note=note)


async def situation_answer(
    core: Core, repo: Repository, platform: str, chat_id: str | None, situation: str, lang: str
) -> Answer:
    """The core's guide for ``situation`` with the community's note, if any."""
    note = await note_for(repo, platform, chat_id, situation)
    return core.situation(situation, lang, community_note=note)
