"""Moderator commands and buttons: pins, the group's language, notes, stats, the action log.

Every action goes through :class:`bot.moderation.Moderation`, which refuses (raises
:class:`~bot.moderation.refusals.Refused`) before anything changes and logs what was done; this
module only asks Telegram who administers the chat (getChatMember, for every command and every
button press) and turns the results into messages. Refusals become replies in one place each:
:meth:`bot.adapters.telegram.handlers.Handlers.error` for commands, the callback dispatcher for
buttons.
Button tokens carry no rights: a forged or old one is checked like a fresh command, and an
administrator pressing one that no longer matches anything gets the out-of-date notice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.convert import member_of, message_text, place_of, sender_of
from bot.adapters.telegram.keyboards import AdapterAction, keyboard
from bot.adapters.telegram.livepins import TelegramPins
from bot.adapters.telegram.messages import MAX_TEXT, OutMessage, Renderer, plain
from bot.adapters.telegram.moderation import actor_for
from bot.adapters.telegram.sender import edit, reply, send
from bot.adapters.telegram.texts import text
from bot.assistant import Assistant, Member, Place
from bot.core import matching, situations
from bot.core.answer import Choice, ChoiceKind
from bot.moderation import Actor, Moderation, NotAllowed, Refused, tokens, views
from bot.moderation.permissions import Need
from bot.moderation.pins import plan_refresh
from bot.moderation.service import UnpinOutcome
from bot.moderation.texts import text as mod_text
from bot.moderation.views import View
from bot.storage import CommunityNote, PinRecord

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

#: Entries of the action log shown at once.
LOG_ENTRIES = 20
#: Unpin buttons on one list (Telegram allows 100 buttons; one is "update all").
MAX_PIN_BUTTONS = 60


def chunk_lines(html: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long message on line boundaries into pieces Telegram accepts."""
    out: list[str] = []
    current = ""
    for line in html.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        current = line[:limit]
    if current:
        out.append(current)
    return out or [html[:limit]]


def message_link(chat: Chat, message_id: str) -> str | None:
    """A t.me link to a message of a public group or a supergroup; None for basic groups."""
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    raw = str(chat.id)
    return f"https://t.me/c/{raw[4:]}/{message_id}" if raw.startswith("-100") else None


def refusal_text(refusal: Refused, lang: str) -> str:
    """A refusal as plain text. On Telegram every moderator right is being a chat
    administrator, so "you need the pin right" reads as "only moderators"."""
    if isinstance(refusal, NotAllowed) and refusal.code == "need_pin_right":
        refusal = NotAllowed("not_moderator")
    return refusal.message(lang)


def pressed_on(query: CallbackQuery) -> tuple[Message | None, Chat | None]:
    """The message a button sits on (None if inline or too old to edit) and its chat."""
    found = query.message
    if found is None:
        return None, None
    return (found if isinstance(found, Message) else None), found.chat


async def _edit(bot: Bot, message: Message | None, outs: Sequence[OutMessage]) -> None:
    """Show ``outs`` in place of the pressed message, when it can still be edited."""
    if message is not None:
        await edit(bot, message, outs)


class Community:
    """The moderators' commands and buttons for one assistant."""

    def __init__(self, assistant: Assistant, render: Renderer, moderation: Moderation) -> None:
        self.assistant = assistant
        self.core = assistant.core
        self.render = render
        self.moderation = moderation

    # -- helpers ---------------------------------------------------------------------------
    def _title(self, sid: str, lang: str) -> str:
        return self.core.t(lang, f"{sid}.title") if situations.get(sid) else sid

    def _situation_list(self) -> str:
        return ", ".join(s.id for s in situations.SITUATIONS)

    async def _lang(self, member: Member, place: Place) -> str:
        return await self.assistant.language(member, place)

    def _pins(self, bot: Bot, chat_id: str) -> TelegramPins:
        return TelegramPins(self.assistant, self.render, bot, int(chat_id))

    async def _refresh_pins_quietly(self, bot: Bot, chat_id: str) -> None:
        """After a note changed, the pinned answers it shows under follow at once."""
        await self.moderation.refresh_after_note(PLATFORM, chat_id, self._pins(bot, chat_id).edit)

    def pin_surface(self, bot: Bot, chat_id: str) -> TelegramPins:
        """One group's pinned answers (for the dashboard: edit, unpin)."""
        return self._pins(bot, chat_id)

    async def _say(self, bot: Bot, message: Message, outs: Sequence[OutMessage]) -> None:
        await reply(bot, message, outs)

    # -- views (also what buttons edit in place) -------------------------------------------
    async def pins_view(self, chat: Chat, lang: str, pins: list[PinRecord]) -> list[OutMessage]:
        """The bot's pinned answers in this chat, each with an unpin button."""
        stale = {p.message_id for p in await plan_refresh(
            self.assistant.repo, PLATFORM, self.core.content_version, str(chat.id))}  # fmt: skip
        rows = [views.PinRow(p, p.message_id, message_link(chat, p.message_id),
                             p.message_id in stale) for p in pins]  # fmt: skip
        return self.show(views.pins_view(rows, lang, max_buttons=MAX_PIN_BUTTONS))

    def show(self, view: View) -> list[OutMessage]:
        """A moderator view as messages, its buttons under the last."""
        chunks = chunk_lines(views.as_message(self.core, view, "telegram"))
        return [OutMessage(c) for c in chunks[:-1]] + [
            OutMessage(chunks[-1], keyboard(list(view.buttons)))
        ]

    def notes_view(self, lang: str, notes: Sequence[CommunityNote]) -> list[OutMessage]:
        """The group's notes, each with a remove button."""
        return self.show(
            views.notes_view(
                self.core,
                notes,
                lang,
                hint=text(lang, "notes.edit_hint"),
                empty=text(lang, "notes.none"),
            )
        )

    def language_result(self, result: str | None, lang: str) -> str:
        """What setting the group's language did, as plain text."""
        if result is None:
            return mod_text(lang, "lang.community_follow")
        return mod_text(
            lang, "lang.community_set", language=self.core.catalogs.language_name(result, lang)
        )

    def language_chooser(self, lang: str) -> InlineKeyboardMarkup | None:
        """Buttons: one per language, and "follow each member"."""
        choices = [Choice(AdapterAction("glang", code).token,
                          self.core.catalogs.language_label(code, lang), ChoiceKind.LANGUAGE)
                   for code in self.core.languages]  # fmt: skip
        choices.append(
            Choice(
                AdapterAction("glang", "auto").token,
                text(lang, "grouplang.follow"),
                ChoiceKind.FOLLOW,
            )
        )
        return keyboard(choices)

    # -- commands --------------------------------------------------------------------------
    async def _begin(
        self, update: Update, bot: Bot
    ) -> tuple[Message, Member, Place, str, Actor] | None:
        """The command message, who sent it, where, their language, and their rights now."""
        message = update.effective_message
        if message is None or message.from_user is None:
            return None
        member, place = sender_of(message), place_of(message.chat)
        actor = await actor_for(bot, message.chat, message.from_user, message)
        return message, member, place, await self._lang(member, place), actor

    async def pins(self, update: Update, ctx: Context) -> None:
        """/pins: the answers the bot pinned in this chat, with unpin buttons."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        result = await self.moderation.pins(actor, place.chat_id)
        await self._say(bot, message, await self.pins_view(message.chat, lang, result))

    async def unpin(self, update: Update, ctx: Context) -> None:
        """/unpin: as a reply to a pinned answer, or with its number from /pins."""
        bot, args = ctx.bot, ctx.args or ()
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        self.moderation.check(actor, place.chat_id, "pins")
        target: str | None = None
        if message.reply_to_message is not None:
            target = str(message.reply_to_message.message_id)
        elif args and args[0].lstrip("#").isdigit():
            target = args[0].lstrip("#")
        if target is None:
            await self._say(bot, message, [plain(text(lang, "pins.unpin_usage"))])
            return
        result = await self._remove_pin(bot, actor, place.chat_id, target)
        await self._say(bot, message, [plain(self._removal_text(result, lang))])

    async def _remove_pin(
        self, bot: Bot, actor: Actor, chat_id: str | None, message_id: str
    ) -> tuple[UnpinOutcome, PinRecord | None]:
        """Unpin one of the bot's pinned answers, then forget it (:meth:`Moderation.unpin`)."""
        chat_id = self.moderation.check(actor, chat_id, "pins")
        return await self.moderation.unpin(
            actor, chat_id, lambda p: p.message_id == message_id, self._pins(bot, chat_id)
        )

    def _removal_text(self, result: tuple[UnpinOutcome, PinRecord | None], lang: str) -> str:
        outcome, pin = result
        if outcome == "refused":
            return text(lang, "pin.grant")
        if outcome == "unknown" or pin is None:
            return text(lang, "pins.unknown")
        return text(lang, "pins.removed", title=self._title(pin.situation, pin.lang))

    async def refresh(self, update: Update, ctx: Context) -> None:
        """/refreshpins: edit this chat's outdated pinned answers in place."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        chat_id = self.moderation.check(actor, place.chat_id, "pins")
        report = await self.moderation.refresh_pins(actor, chat_id, self._pins(bot, chat_id).edit)
        done = mod_text(lang, "pins.refreshed", edited=report.edited,
                        forgotten=report.forgotten, failed=report.failed)  # fmt: skip
        await self._say(bot, message, [plain(done)])

    async def group_language(self, update: Update, ctx: Context) -> None:
        """/grouplang [code|auto]: set the group's language, or show it with buttons."""
        bot, args = ctx.bot, ctx.args or ()
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, member, place, lang, actor = begun
        chat_id = self.moderation.check(actor, place.chat_id)
        if args:
            result = await self.moderation.set_language(actor, chat_id, " ".join(args))
            lang = await self._lang(member, place)
            await self._say(bot, message, [plain(self.language_result(result, lang))])
            return
        settings = await self.assistant.repo.get_community(PLATFORM, chat_id)
        current = settings.default_lang if settings else None
        status = (
            text(lang, "grouplang.current",
                 language=self.core.catalogs.language_name(current, lang))
            if current else text(lang, "grouplang.follows")
        )  # fmt: skip
        await self._say(bot, message, [plain(status, self.language_chooser(lang))])

    async def note(self, update: Update, ctx: Context) -> None:
        """/note <situation> <text>: add or replace the group's note under that answer.

        As a reply, the replied-to message's text is the note. ``/note <situation>`` alone
        shows the current note.
        """
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        chat_id = self.moderation.check(actor, place.chat_id)
        parts = (message_text(message) or "").split(maxsplit=2)
        usage = text(lang, "note.usage", example=situations.SITUATIONS[0].id,
                     situations=self._situation_list())  # fmt: skip
        if len(parts) < 2:
            await self._say(bot, message, [plain(usage)])
            return
        sid = matching.by_id(parts[1]) or parts[1]
        raw = parts[2] if len(parts) > 2 else None
        replied = message.reply_to_message
        if raw is None and replied is not None:
            raw = message_text(replied)
        if raw is None:
            if not situations.get(sid):
                await self._say(bot, message, [plain(usage)])
                return
            current = await self.assistant.repo.get_note(PLATFORM, chat_id, sid)
            shown = (text(lang, "note.current", title=self._title(sid, lang), note=current)
                     if current else mod_text(lang, "note.none"))  # fmt: skip
            await self._say(bot, message, [plain(f"{shown}\n\n{usage}")])
            return
        await self.moderation.set_note(actor, chat_id, sid, raw)
        await self._refresh_pins_quietly(bot, chat_id)
        saved = text(lang, "note.saved", title=self._title(sid.strip().lower(), lang))
        await self._say(bot, message, [plain(saved)])

    async def notes(self, update: Update, ctx: Context) -> None:
        """/notes: the group's notes, with remove buttons."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        result = await self.moderation.notes(actor, place.chat_id)
        await self._say(bot, message, self.notes_view(lang, result))

    async def delete_note(self, update: Update, ctx: Context) -> None:
        """/delnote <situation>: remove the group's note under that answer."""
        bot, args = ctx.bot, ctx.args or ()
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        chat_id = self.moderation.check(actor, place.chat_id)
        sid = matching.by_id(args[0]) if args else None
        if sid is None:
            usage = text(lang, "note.delete_usage", situations=self._situation_list())
            await self._say(bot, message, [plain(usage)])
            return
        removed = await self.moderation.remove_note(actor, chat_id, sid)
        if removed:
            await self._refresh_pins_quietly(bot, chat_id)
        key = "note.removed" if removed else "note.none"
        await self._say(bot, message, [plain(mod_text(lang, key))])

    async def stats(self, update: Update, ctx: Context) -> None:
        """/stats: questions per situation and language, helpfulness, unplaced questions."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        result = await self.moderation.stats(actor, place.chat_id)
        await self._say(bot, message, self.show(views.stats_view(result, lang)))

    async def action_log(self, update: Update, ctx: Context) -> None:
        """/modlog: the group's recent moderator actions (who, what, when)."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, _, place, lang, actor = begun
        result = await self.moderation.action_log(actor, place.chat_id, LOG_ENTRIES)
        await self._say(bot, message, self.show(views.log_view(result, lang)))

    async def dashboard(self, update: Update, ctx: Context) -> None:
        """/dashboard: a one-time link to the web dashboard, by direct message (administrators);
        in the group only a short "sent you a link in private"."""
        bot = ctx.bot
        begun = await self._begin(update, bot)
        if begun is None:
            return
        message, member, place, lang, actor = begun
        url = await self.moderation.dashboard_link(
            actor, place.chat_id, self.assistant.dashboard_url
        )
        try:
            await send(bot, int(member.user_id), [plain(mod_text(lang, "dashboard.link", url=url))])
        except TelegramError as exc:  # the member never started a private chat with the bot
            log.info("dashboard link not delivered: %s", exc)
            await self._say(bot, message, [plain(mod_text(lang, "dashboard.no_private"))])
            return
        await self._say(bot, message, [plain(mod_text(lang, "dashboard.sent"))])

    # -- buttons ---------------------------------------------------------------------------
    async def button(self, update: Update, ctx: Context, token: tokens.ModToken) -> str | None:
        """A moderator button: the presser's rights are checked now, then the token.

        Raises:
            Refused: For a presser without the right (the dispatcher shows why).
        """
        bot = ctx.bot
        query = update.callback_query
        assert query is not None
        message, chat = pressed_on(query)
        member, place = member_of(query.from_user), place_of(chat)
        lang = (token.lang if token.lang in self.core.languages
                else await self._lang(member, place))  # fmt: skip
        actor = await actor_for(bot, chat, query.from_user)
        need: Need = "pins" if token.op in ("pin-rm", "pins-refresh") else "manage"
        chat_id = self.moderation.check(actor, place.chat_id, need)
        assert chat is not None
        stale = self.core.t(lang, "ui.stale")
        if token.op == "note-rm":
            if not situations.get(token.arg):
                return stale
            removed = await self.moderation.remove_note(actor, chat_id, token.arg)
            notes = await self.assistant.repo.list_notes(PLATFORM, chat_id)
            await _edit(bot, message, self.notes_view(lang, notes))
            if removed is not True:
                return stale
            await self._refresh_pins_quietly(bot, chat_id)
            return mod_text(lang, "note.removed")
        if token.op == "pin-rm":
            if not token.arg.isdigit():
                return stale
            outcome = await self._remove_pin(bot, actor, chat_id, token.arg)
            pins = await self.assistant.repo.list_pins(PLATFORM, chat_id)
            await _edit(bot, message, await self.pins_view(chat, lang, pins))
            return stale if outcome[0] == "unknown" else self._removal_text(outcome, lang)
        if token.arg:
            return stale  # the other operations take no argument
        if token.op == "pins-refresh":
            report = await self.moderation.refresh_pins(
                actor, chat_id, self._pins(bot, chat_id).edit
            )
            pins = await self.assistant.repo.list_pins(PLATFORM, chat_id)
            await _edit(bot, message, await self.pins_view(chat, lang, pins))
            return mod_text(lang, "pins.refreshed", edited=report.edited,
                            forgotten=report.forgotten, failed=report.failed)  # fmt: skip
        if token.op == "stats":
            stats = await self.moderation.stats(actor, chat_id)
            await _edit(bot, message, self.show(views.stats_view(stats, lang)))
            return None
        entries = await self.moderation.action_log(actor, chat_id, LOG_ENTRIES)
        await _edit(bot, message, self.show(views.log_view(entries, lang)))
        return None

    async def language_button(self, update: Update, ctx: Context, action: AdapterAction) -> str:
        """A group-language button (``tg1:glang:<code|auto>``), for administrators only."""
        bot = ctx.bot
        query = update.callback_query
        assert query is not None
        message, chat = pressed_on(query)
        member, place = member_of(query.from_user), place_of(chat)
        lang = await self._lang(member, place)
        actor = await actor_for(bot, chat, query.from_user)
        chat_id = self.moderation.check(actor, place.chat_id)
        value = None if action.arg == "auto" else action.arg
        if value is not None and value not in self.core.languages:
            return self.core.t(lang, "ui.stale")
        result = await self.moderation.set_language(actor, chat_id, value)
        lang = await self._lang(member, place)
        done = self.language_result(result, lang)
        await _edit(bot, message, [plain(done)])
        return done
