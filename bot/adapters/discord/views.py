"""Buttons and select menus whose custom_ids carry their own state.

Custom ids are families of the one token registry (:mod:`bot.core.tokens`): the core's
button tokens (``sb1:<lang>:<verb>:<arg>``), or Discord's own, some wrapping one:

* ``sb1:...``: a choice, a step of the walk, or a feedback vote: passed to the assistant;
* ``sbd1:share:<token>``: post the answer that ``<token>`` shows publicly;
* ``sbd1:menu``: a select menu whose option values are tokens;
* ``sbd1:pin:<lang>``: a select menu of situations to pin (moderators);
* ``sb1:<lang>:r|x|m:<arg>``: reminder and moderator buttons (:mod:`bot.moderation.tokens`);
* ``sbd1:note-edit:<situation>``: open the note form (moderators);
* ``sbd1:note:<situation>``: the note form itself (a modal, answered by the client's
  ``on_interaction``, so a restarted process handles it too).

Nothing is kept in memory: one catch-all :class:`Router` (a ``DynamicItem``) receives every
component interaction, so any process answers any button after a restart, and an outdated or
forged custom_id reaches the assistant, which answers it with a short "out of date" notice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol, cast

import discord
from discord import ui

from bot.core import tokens
from bot.core.answer import Answer, Choice, ChoiceKind

LABEL = 80  # button label
OPTION = 100  # select option label and value
PLACEHOLDER = 150
CUSTOM_ID = 100
ROW = 5  # buttons per row
ROWS = 5
OPTIONS = 25

#: Button styles by what a button does (secondary for the rest).
_STYLE = {
    ChoiceKind.WALK: discord.ButtonStyle.primary,
    ChoiceKind.ALSO: discord.ButtonStyle.primary,  # "Also about: ...": the second question
    ChoiceKind.REMIND: discord.ButtonStyle.primary,
    ChoiceKind.UPDATE: discord.ButtonStyle.primary,
    ChoiceKind.SHARE: discord.ButtonStyle.success,
    ChoiceKind.REMOVE: discord.ButtonStyle.danger,
}
_EMOJI = {
    ChoiceKind.REMIND: "⏰",
    ChoiceKind.REMOVE: "🗑️",
    ChoiceKind.EDIT: "✏️",
    ChoiceKind.ALSO: "➕",
    ChoiceKind.SHARE: "📢",
}

log = logging.getLogger(__name__)


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _unique(choices: Sequence[Choice]) -> list[Choice]:
    seen: set[str] = set()
    out = []
    for c in choices:
        if c.token not in seen and 0 < len(c.token) <= CUSTOM_ID:
            seen.add(c.token)
            out.append(c)
    return out


def answer_view(
    answer: Answer,
    *,
    share: Choice | None = None,
    placeholder: str = "",
    extra: Sequence[Choice] = (),
) -> ui.View | None:
    """The components for an answer: its choices, ``extra``, then feedback and share.

    Up to five choices are buttons in one row; more become one select menu (a menu of
    situations). Returns None when the answer has nothing to press. The view is stopped
    before it is returned, so discord.py keeps no reference to it: :class:`Router` answers.
    """
    view = ui.View(timeout=None)
    choices = _unique(answer.choices)
    row = 0
    if len(choices) > ROW:
        select: ui.Select[ui.View] = ui.Select(
            custom_id=tokens.MENU.build(),
            placeholder=_clip(placeholder or answer.title, PLACEHOLDER),
            options=[
                discord.SelectOption(label=_clip(c.label, OPTION), value=c.token)
                for c in choices[:OPTIONS]
            ],
            row=row,
        )
        view.add_item(select)
        row += 1
    elif choices:
        for c in choices:
            view.add_item(_button(c, row))
        row += 1
    if extra:
        for c in _unique(extra)[:ROW]:
            view.add_item(_button(c, row))
        row += 1
    last = _unique([*answer.feedback, *([share] if share else [])])
    for c in last[:ROW]:
        view.add_item(_button(c, min(row, ROWS - 1)))
    view.stop()
    return view if view.children else None


def _button(choice: Choice, row: int) -> ui.Button[ui.View]:
    emoji = _EMOJI.get(choice.kind)
    style = _STYLE.get(choice.kind, discord.ButtonStyle.secondary)
    if choice.kind == ChoiceKind.FEEDBACK:
        emoji = "👍" if choice.token.endswith(".1") else "👎"
    return ui.Button(
        label=_clip(choice.label, LABEL), custom_id=choice.token, style=style, emoji=emoji, row=row
    )


def buttons(choices: Sequence[Choice]) -> ui.View | None:
    """Up to 25 buttons, five a row (a list's actions); None when there are none."""
    view = ui.View(timeout=None)
    for i, c in enumerate(_unique(choices)[: ROW * ROWS]):
        view.add_item(_button(c, i // ROW))
    view.stop()
    return view if view.children else None


def pin_picker(options: Sequence[tuple[str, str]], lang: str, placeholder: str) -> ui.View:
    """A select menu of situations (id, title) for a moderator to pin."""
    view = ui.View(timeout=None)
    view.add_item(
        ui.Select(
            custom_id=tokens.PIN_MENU.build(lang=lang),
            placeholder=_clip(placeholder, PLACEHOLDER),
            options=[
                discord.SelectOption(label=_clip(title, OPTION), value=sid)
                for sid, title in options[:OPTIONS]
            ],
        )
    )
    view.stop()
    return view


class OnComponent(Protocol):
    """What the router hands every press to: the client's ``on_component``."""

    async def __call__(
        self, interaction: discord.Interaction[Any], custom_id: str, values: list[str]
    ) -> None: ...


def router(on_component: OnComponent) -> type[ui.DynamicItem[ui.Item[Any]]]:
    """A catch-all ``DynamicItem`` class that hands every button and select press to
    ``on_component`` (a class, as ``Client.add_dynamic_items`` takes; given what it calls).

    The template matches any custom_id, so unknown ones are answered too (with the core's
    "out of date" notice) instead of silently failing in the member's client.
    """

    class Router(ui.DynamicItem[ui.Item[Any]], template=r"(?s).+"):
        @classmethod
        async def from_custom_id(
            cls, interaction: discord.Interaction[Any], item: ui.Item[Any], match: Any, /
        ) -> Router:
            return cls(item)

        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            values = list(cast(list[str], getattr(self.item, "values", None) or []))
            try:
                await on_component(interaction, self.custom_id, values)
            except discord.NotFound as exc:
                if not expired(exc):
                    raise
                log.info(
                    "button press expired before the reply", extra={"custom_id": self.custom_id}
                )
            except RuntimeError as exc:
                if not stopping(interaction, exc):
                    raise
                log.info("button press left unanswered by the stop")

    return Router


def stopping(interaction: discord.Interaction[Any], exc: BaseException) -> bool:
    """Whether ``exc`` is the bot stopping under an answer (aiohttp's "Session is closed"
    once the client has begun to close); :meth:`SellerBot.close` first lets the answers
    under way finish, so only one that came in during the stop meets it."""
    return isinstance(exc, RuntimeError) and interaction.client.is_closed()


def expired(exc: BaseException) -> bool:
    """Whether Discord refused a reply because the interaction's 3 seconds had passed
    (10062 Unknown interaction): nothing went wrong on our side, nothing can be sent."""
    return isinstance(exc, discord.NotFound) and exc.code == 10062
