"""Moderator views as embeds: any :class:`~bot.moderation.views.View`, pinned answers, reminders.

Every member or moderator text is escaped for Discord Markdown; every field stays within
Discord's limits (field value 1,024, description 4,096, 25 fields, 6,000 in all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import discord

from bot.adapters.discord.embeds import COLOUR, DESCRIPTION, TITLE, clip
from bot.core.engine import Core
from bot.core.escaping import discord_markdown as esc
from bot.moderation import views
from bot.moderation.texts import text as mod_text
from bot.moderation.views import View
from bot.storage import PinRecord

FIELD_NAME = 256
FIELD_VALUE = 1024
MAX_FIELDS = 25
_UNESCAPE = re.compile(r"\\(.)")
#: Rows shown in a list embed (pins, log); the rest is summed up as "and N more".
MAX_ROWS = 25


def _title(core: Core, lang: str, sid: str | None) -> str:
    if sid is None:
        return mod_text(lang, "stats.not_placed")
    return core.t(lang, f"{sid}.title")


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


def stamp(at: datetime) -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return f"<t:{int(at.timestamp())}:f>"


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
        made.add_field(name=clip(name, FIELD_NAME), value=_lines(lines, FIELD_VALUE),
                       inline=False)
    made.timestamp = view.at
    return made


def jump_url(guild_id: str, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def pins_embed(
    core: Core,
    pins: Sequence[tuple[PinRecord, int, int, bool]],
    lang: str,
    title: str,
    outdated_label: str,
    *,
    show_channel: bool = False,
) -> discord.Embed:
    """Numbered pinned answers: title, language, link, and whether it shows old guidance.

    Args:
        core: For situation titles.
        pins: ``(pin, channel id, message id, outdated)``.
        lang: Language of the labels.
        title: The embed's title.
        outdated_label: Marker for pins showing older guidance.
        show_channel: Name each pin's channel (for a whole server's list).
    """
    embed = discord.Embed(title=clip(esc(title), TITLE), colour=COLOUR)
    if not pins:
        embed.description = esc(mod_text(lang, "pins.none"))
        return embed
    rows = []
    for n, (pin, channel_id, message_id, outdated) in enumerate(pins[:MAX_ROWS], 1):
        flag = f" · *{esc(outdated_label)}*" if outdated else ""
        url = jump_url(pin.chat_id, channel_id, message_id)
        where = f" · <#{channel_id}>" if show_channel else ""
        rows.append(f"**{n}.** [{esc(_title(core, lang, pin.situation))}]({url}) "
                    f"({esc(pin.lang)}){where}{flag}")
    if len(pins) > MAX_ROWS:
        rows.append(f"+{len(pins) - MAX_ROWS}")
    embed.description = _lines(rows, DESCRIPTION)
    return embed
