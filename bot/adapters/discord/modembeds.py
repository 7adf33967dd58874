"""Moderators' views (:mod:`bot.moderation.views`) as Discord embeds.

Every member or moderator text is escaped for Discord Markdown by the view's template; every
field stays within Discord's limits (field value 1,024, description 4,096, 25 fields).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.adapters.discord.embeds import COLOUR, DESCRIPTION, TITLE, clip
from bot.core.engine import Core
from bot.moderation import views
from bot.moderation.views import View

FIELD_NAME = 256
FIELD_VALUE = 1024
MAX_FIELDS = 25
_UNESCAPE = re.compile(r"\\(.)")


def _lines(lines: Sequence[str], limit: int) -> str:
    """Whole lines joined up to ``limit`` characters (a cut line would break its Markdown)."""
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit - 2:
            out.append("…")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) or "—"


def embed(core: Core, view: View) -> discord.Embed:
    """A moderator view as an embed: its ``#`` line the title, each ``##`` section a field,
    the lines before the first section the description."""
    title, description = "", []
    fields: list[tuple[str, list[str]]] = []
    for line in views.render(core, view, "discord").split("\n"):
        if line.startswith("## "):
            fields.append((_UNESCAPE.sub(r"\1", line[3:]), []))  # our catalog's words
        elif line.startswith("# ") and not title:
            title = line[2:]
        elif fields:
            fields[-1][1].append(line)
        else:
            description.append(line)
    made = discord.Embed(title=clip(title, TITLE) or None, colour=COLOUR)
    if description:
        made.description = _lines(description, DESCRIPTION)
    for name, lines in fields[:MAX_FIELDS]:
        made.add_field(name=clip(name, FIELD_NAME), value=_lines(lines, FIELD_VALUE), inline=False)
    made.timestamp = view.at
    return made


def jump_url(guild_id: str, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
