"""Moderators' views written once: what each shows, printed by one template per shape.

A view is platform-neutral: the template that prints it (``templates/views/<shape>.j2``), the
values it prints, and its buttons. One template serves every format: the format's *dialect*
gives it ``b`` (bold), ``when`` (a time), ``who`` (a member), ``t`` (a catalog text) and an
escaper that every printed value goes through, so member text can never become markup. A line
``# …`` is the view's title and ``## …`` a section heading: Telegram shows them bold, the
console as plain lines, and Discord makes them the embed's title and fields (see
:func:`bot.adapters.discord.modembeds.embed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bot.core import situations
from bot.core.answer import Choice, ChoiceKind
from bot.core.engine import Core
from bot.core.escaping import ESCAPERS, unmention
from bot.moderation import tokens
from bot.moderation.reminders import format_time
from bot.moderation.stats import DETAIL_DAYS, MAX_SHOWN_QUESTION, Stats
from bot.moderation.texts import text
from bot.storage import CommunityNote, ModeratorAction, PinRecord, Reminder

#: Longest action detail shown in the log, in characters.
MAX_DETAIL = 160
FORMATS = tuple(ESCAPERS)


@dataclass(frozen=True)
class View:
    """One view, ready for any platform.

    Attributes:
        shape: The template, ``templates/views/<shape>.j2``.
        lang: Language of every label.
        values: What the template prints (member text raw: the template escapes it).
        buttons: Its buttons, in order.
        at: When its figures were taken (Discord shows it as the embed's timestamp).
    """

    shape: str
    lang: str
    values: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Choice, ...] = ()
    at: datetime | None = None


def stats_view(stats: Stats, lang: str) -> View:
    """Questions per situation and language, helpful ratios, unplaced questions; "update"."""
    update = Choice(tokens.moderator(lang, "stats"), text(lang, "update"), ChoiceKind.UPDATE)
    return View(
        "stats",
        lang,
        {"stats": stats, "detail_days": DETAIL_DAYS},
        (update,),
        at=stats.generated_at,
    )


def log_view(actions: Sequence[ModeratorAction], lang: str) -> View:
    """The newest moderator actions: when, what, detail, who; "update"."""
    update = Choice(tokens.moderator(lang, "log"), text(lang, "update"), ChoiceKind.UPDATE)
    return View("log", lang, {"actions": actions}, (update,))


def notes_view(
    core: Core,
    notes: Sequence[CommunityNote],
    lang: str,
    *,
    edit: Callable[[str], str] | None = None,
    hint: str | None = None,
    empty: str | None = None,
) -> View:
    """The community's notes, each with a remove button.

    Args:
        core: For the situations' titles.
        notes: The notes.
        lang: Language of the labels.
        edit: Where the platform has forms, the form's token for a situation (an edit button
            per note).
        hint: How to change a note, shown under the list (where there are no forms).
        empty: What to say when there are none (the platform's own "add one with ...").
    """
    buttons: list[Choice] = []
    for note in notes:
        title = core.t(lang, f"{note.situation}.title")
        if edit is not None:
            buttons.append(
                Choice(edit(note.situation), text(lang, "notes.edit", title=title), ChoiceKind.EDIT)
            )
        buttons.append(
            Choice(
                tokens.moderator(lang, "note-rm", note.situation),
                text(lang, "notes.remove", title=title),
                ChoiceKind.REMOVE,
            )
        )
    return View("notes", lang, {"notes": notes, "hint": hint, "empty": empty}, tuple(buttons))


def reminders_view(reminders: Sequence[Reminder], lang: str, header: str | None = None) -> View:
    """A member's waiting reminders, each with a cancel button; ``header`` says what was
    just done (e.g. "Reminder cancelled.")."""
    cancel = tuple(Choice(tokens.cancel(lang, r.id), text(lang, "reminder.cancel_button",
                                                          id=r.id), ChoiceKind.REMOVE)
                   for r in reminders)  # fmt: skip
    return View("reminders", lang, {"reminders": reminders, "header": header}, cancel)


@dataclass(frozen=True)
class PinRow:
    """One pinned answer in a list.

    Attributes:
        pin: Its record.
        number: What moderators call it (Telegram: the message id ``/unpin`` takes;
            Discord: its place in the list).
        link: A link to the message, where the platform has one.
        outdated: It shows older guidance than the bot's (or an older note).
        channel: Its channel id, when a list spans channels (Discord's whole server).
    """

    pin: PinRecord
    number: str
    link: str | None
    outdated: bool
    channel: str | None = None


def pins_view(
    rows: Sequence[PinRow], lang: str, *, title: str | None = None, max_buttons: int
) -> View:
    """The bot's pinned answers, an unpin button for each of the first ``max_buttons``, and
    "update the outdated ones" when any is."""
    buttons = [Choice(tokens.moderator(lang, "pin-rm", r.pin.message_id),
                      text(lang, "pins.unpin", n=r.number), ChoiceKind.REMOVE)
               for r in rows[:max_buttons]]  # fmt: skip
    if any(r.outdated for r in rows):
        buttons.append(
            Choice(
                tokens.moderator(lang, "pins-refresh"),
                text(lang, "pins.refresh"),
                ChoiceKind.UPDATE,
            )
        )
    return View("pins", lang, {"rows": rows, "title": title}, tuple(buttons))


def render(core: Core, view: View, fmt: str) -> str:
    """The view as one text in ``fmt`` (``telegram`` HTML, ``discord`` Markdown or ``text``),
    headings still marked ``#`` / ``##`` (see :func:`headings`).

    Raises:
        ValueError: For an unknown format.
    """
    if fmt not in ESCAPERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    template = _environment(core.renderer.directory, fmt).get_template(f"views/{view.shape}.j2")
    return _tidy(template.render(**_dialect(core, view.lang, fmt), **view.values))


def headings(rendered: str, fmt: str) -> str:
    """The ``#`` and ``##`` lines of a rendered view as the format shows them in a message."""
    out: list[str] = []
    for line in rendered.split("\n"):
        level = 2 if line.startswith("## ") else 1 if line.startswith("# ") else 0
        if level:
            label = line[level + 1 :]
            if out:
                out.append("")
            out.append({"telegram": f"<b>{label}</b>", "discord": f"**{label}**"}.get(fmt, label))
        else:
            out.append(line)
    return "\n".join(out)


def as_message(core: Core, view: View, fmt: str) -> str:
    """The view as one message's text in ``fmt``."""
    return headings(render(core, view, fmt), fmt)


# -- the dialects ---------------------------------------------------------------------------
@cache
def _environment(directory: Path, fmt: str) -> jinja2.Environment:
    esc = ESCAPERS[fmt]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        finalize=lambda v: str(v) if isinstance(v, Markup) else esc(v),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _dialect(core: Core, lang: str, fmt: str) -> dict[str, Any]:
    """What a view template may call, for one language and format."""
    esc = ESCAPERS[fmt]

    def raw(value: object) -> str:
        return str(value) if isinstance(value, Markup) else esc(value)

    def b(value: object) -> Markup:
        shown = raw(value)
        return Markup({"telegram": f"<b>{shown}</b>", "discord": f"**{shown}**"}.get(fmt, shown))

    def t(key: str, **params: object) -> Markup:
        # Values already formatted (a Discord mention, a timestamp) go in after escaping.
        marks = {k: f"\ue000{i}\ue001" for i, (k, v) in enumerate(params.items())
                 if isinstance(v, Markup)}  # fmt: skip
        shown = esc(text(lang, key, **{**params, **marks}))
        for k, mark in marks.items():
            shown = shown.replace(mark, str(params[k]))
        return Markup(shown)

    def when(at: datetime) -> Markup:
        if fmt == "discord":  # shown in each reader's own time zone
            return Markup(f"<t:{int(at.timestamp())}:f>")
        return Markup(esc(format_time(at)))

    def link(label: str, url: str | None) -> Markup:
        if not url:
            return Markup(raw(label))
        if fmt == "telegram":
            return Markup(f'<a href="{esc(url)}">{raw(label)}</a>')
        if fmt == "discord":
            return Markup(f"[{raw(label)}]({url})")
        return Markup(f"{raw(label)} ({url})")

    def channel(channel_id: str) -> Markup:
        return Markup(
            f"<#{int(channel_id)}>"
            if fmt == "discord" and channel_id.isdigit()
            else esc(channel_id)
        )

    def who(user_id: str) -> Markup:
        if fmt == "discord" and user_id.isdigit():  # a mention that pings nobody
            return Markup(f"<@{int(user_id)}>")
        return Markup(esc(user_id))

    def situation(sid: str | None) -> str:
        if sid is None:
            return text(lang, "stats.not_placed")
        return core.t(lang, f"{sid}.title") if situations.get(sid) else sid

    def action(name: str) -> str:
        key = f"mod.log.action.{name}"
        return text(lang, f"log.action.{name}") if core.catalogs.has("en", key) else name

    return {
        "b": b,
        "t": t,
        "when": when,
        "who": who,
        "situation": situation,
        "action": action,
        "link": link,
        "channel": channel,
        "language": lambda code: core.catalogs.language_name(code, lang),
        "quote": lambda q: unmention(_clip(q, MAX_SHOWN_QUESTION)),
        "clip": lambda value: _clip(value, MAX_DETAIL),
        "percent": lambda h: round(100 * (h.ratio or 0.0)),
        "bullet": "-" if fmt == "text" else "•",
        "code": lambda value: Markup(
            {"telegram": f"<code>{raw(value)}</code>"}.get(fmt, raw(value))
        ),
    }


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _tidy(rendered: str) -> str:
    lines = [ln.rstrip() for ln in rendered.strip().splitlines()]
    return "\n".join(ln for ln in lines if ln)
