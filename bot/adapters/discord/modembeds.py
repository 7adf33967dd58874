"""Moderator views as embeds: statistics, the action log, pinned answers, notes, reminders.

Every member or moderator text is escaped for Discord Markdown; every field stays within
Discord's limits (field value 1,024, description 4,096, 25 fields, 6,000 in all).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.adapters.discord.embeds import COLOUR, DESCRIPTION, TITLE, clip
from bot.core.engine import Core
from bot.core.escaping import discord_markdown as esc
from bot.core.escaping import unmention
from bot.moderation.stats import DETAIL_DAYS, MAX_SHOWN_QUESTION, Stats
from bot.moderation.texts import text as mod_text
from bot.storage import CommunityNote, ModeratorAction, PinRecord, Reminder

FIELD_NAME = 256
FIELD_VALUE = 1024
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


def stats_embed(core: Core, stats: Stats, lang: str) -> discord.Embed:
    """Questions per situation and language (7 and 30 days), helpful ratios, unplaced questions."""
    embed = discord.Embed(title=clip(esc(mod_text(lang, "stats.title")), TITLE), colour=COLOUR)
    for w in stats.windows:
        name = mod_text(lang, "stats.last_days", days=w.days)
        if not w.total:
            embed.add_field(name=clip(name, FIELD_NAME), value=esc(mod_text(lang, "stats.none")),
                            inline=False)
            continue
        name = f"{name} · {mod_text(lang, 'stats.total', count=w.total)}"
        lines = [f"**{esc(mod_text(lang, 'stats.by_situation'))}**"]
        lines += [f"• {esc(_title(core, lang, sid))}: {n}" for sid, n in w.by_situation]
        lines.append(f"**{esc(mod_text(lang, 'stats.by_language'))}**")
        lines += [f"• {esc(core.catalogs.language_name(code, lang))}: {n}"
                  for code, n in w.by_language]  # fmt: skip
        embed.add_field(name=clip(name, FIELD_NAME), value=_lines(lines, FIELD_VALUE),
                        inline=False)
    if stats.helpful:
        rows = []
        for h in stats.helpful:
            row = mod_text(lang, "stats.helpful_row", helpful=h.helpful, total=h.total,
                           percent=round(100 * (h.ratio or 0.0)))
            rows.append(f"• {esc(_title(core, lang, h.situation))}: {esc(row)}")
        embed.add_field(name=clip(mod_text(lang, "stats.helpful", days=DETAIL_DAYS), FIELD_NAME),
                        value=_lines(rows, FIELD_VALUE), inline=False)
    if stats.unrouted:
        rows = [f"• {esc(unmention(clip(q, MAX_SHOWN_QUESTION)))} ({n}×)"
                for q, n in stats.unrouted]
        embed.add_field(name=clip(mod_text(lang, "stats.unrouted", days=DETAIL_DAYS), FIELD_NAME),
                        value=_lines(rows, FIELD_VALUE), inline=False)
    embed.timestamp = stats.generated_at
    return embed


def log_embed(actions: Sequence[ModeratorAction], lang: str) -> discord.Embed:
    """The newest moderator actions: when, who (a mention, which pings nobody), what."""
    embed = discord.Embed(title=clip(esc(mod_text(lang, "log.title")), TITLE), colour=COLOUR)
    if not actions:
        embed.description = esc(mod_text(lang, "log.none"))
        return embed
    rows = [
        f"{stamp(a.at)} <@{int(a.actor_id)}> `{esc(a.action)}` {esc(clip(a.detail, 200))}"
        if a.actor_id.isdigit() else f"{stamp(a.at)} `{esc(a.action)}` {esc(clip(a.detail, 200))}"
        for a in actions
    ]
    embed.description = _lines(rows, DESCRIPTION)
    return embed


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


def notes_embed(
    core: Core, notes: Sequence[CommunityNote], lang: str, title: str
) -> discord.Embed:
    """The server's notes, each under its situation's title, escaped."""
    embed = discord.Embed(title=clip(esc(title), TITLE), colour=COLOUR)
    if not notes:
        embed.description = esc(mod_text(lang, "note.none"))
        return embed
    for note in notes[:MAX_ROWS]:
        embed.add_field(name=clip(_title(core, lang, note.situation), FIELD_NAME),
                        value=clip(esc(note.text), FIELD_VALUE), inline=False)
    return embed


def reminders_embed(reminders: Sequence[Reminder], lang: str) -> discord.Embed:
    """A member's pending reminders: when each comes, and the deadline it warns about."""
    embed = discord.Embed(title=clip(esc(mod_text(lang, "reminder.list_title")), TITLE),
                          colour=COLOUR)
    if not reminders:
        embed.description = esc(mod_text(lang, "reminder.none"))
        return embed
    rows = [
        esc(mod_text(lang, "reminder.row", id=r.id, when="\ue000", deadline="\ue001"))
        .replace("\ue000", stamp(r.remind_at)).replace("\ue001", stamp(r.deadline_at))
        for r in reminders
    ]
    embed.description = _lines(rows, DESCRIPTION)
    return embed
