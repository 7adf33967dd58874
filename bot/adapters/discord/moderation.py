"""The moderators' features on Discord: living pins, notes, language, stats, log, reminders.

Wiring only. Every moderator action, however it arrives (slash command, button, select,
modal), builds an :class:`~bot.moderation.permissions.Actor` from the permissions Discord
computed for this member in this channel and goes through
:class:`~bot.moderation.service.Moderation`, which checks them before it changes anything and
logs the action after. A refusal is raised (:class:`~bot.moderation.refusals.Refused`) and
answered privately by :meth:`Desk.refused`, from the command tree's error handler and the
component and modal routers of the client.

Pins are recorded per server: ``chat_id`` is the server id and ``message_id`` is
``<channel id>-<message id>``, so a server's moderators see and refresh all its pinned
answers and the server's notes count in the version a pin shows. Records made before that
(``chat_id`` = channel, plain message id) are still refreshed at start-up.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import discord

from bot.adapters.discord import modembeds, views
from bot.adapters.discord.embeds import CONTENT, clip
from bot.adapters.discord.firstreply import first_reply
from bot.core import situations
from bot.core import tokens as core_tokens
from bot.core.answer import Answer, AnswerKind, Choice, ChoiceKind
from bot.core.escaping import discord_markdown
from bot.moderation import pins as pins_mod
from bot.moderation import tokens
from bot.moderation import views as mod_views
from bot.moderation.notes import MAX_NOTE_CHARS, note_for
from bot.moderation.permissions import Actor, Need
from bot.moderation.refusals import NoteRefused, Refused
from bot.moderation.reminders import ReminderService, format_time, reminder_text
from bot.moderation.service import Moderation
from bot.moderation.surface import PinResult
from bot.moderation.texts import text as mod_text
from bot.storage import PinRecord, Reminder, Repository

if TYPE_CHECKING:
    from bot.adapters.discord.client import SellerBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
PLATFORM = "discord"
NO_MENTIONS = discord.AllowedMentions.none()
#: Discord's modal limits: title and text input label 45, placeholder 100.
MODAL_TITLE = 45
INPUT_LABEL = 45
PLACEHOLDER = 100
NOTE_INPUT = "note"


def pin_ref(channel_id: int, message_id: int) -> str:
    """How a pinned message is recorded: ``<channel id>-<message id>``."""
    return f"{channel_id}-{message_id}"


def split_ref(ref: str) -> tuple[int, int] | None:
    """(channel id, message id) of a ref ``<channel id>-<message id>``; None if malformed."""
    channel, sep, message = ref.partition("-")
    ok = sep and channel.isdigit() and message.isdigit()
    return (int(channel), int(message)) if ok else None


def parse_ref(pin: PinRecord) -> tuple[int, int] | None:
    """(channel id, message id) of a recorded pin, old records included; None if malformed."""
    channel, sep, message = pin.message_id.partition("-")
    if sep:
        return (int(channel), int(message)) if channel.isdigit() and message.isdigit() else None
    if pin.chat_id.isdigit() and pin.message_id.isdigit():
        return int(pin.chat_id), int(pin.message_id)
    return None


def actor(interaction: Interaction) -> Actor:
    """The member with the rights Discord computed for them in this channel.

    Manage Server makes a moderator; Pin Messages is enough for pins. Outside a server
    nobody is a moderator (and :meth:`Moderation.check` refuses anyway).
    """
    perms = interaction.permissions
    in_guild = interaction.guild_id is not None
    return Actor(
        PLATFORM, str(interaction.user.id),
        is_moderator=in_guild and perms.manage_guild,
        can_pin=in_guild and perms.pin_messages,
    )  # fmt: skip


def community(interaction: Interaction) -> str | None:
    return str(interaction.guild_id) if interaction.guild_id is not None else None


class Desk:
    """The moderators' (and members' reminder) actions of one client."""

    def __init__(self, bot: SellerBot, reminders: ReminderService) -> None:
        self.bot = bot
        self.core = bot.core
        self.repo: Repository = bot.assistant.repo
        self.moderation = Moderation(self.core, self.repo, now=reminders.clock.now)
        self.reminders = reminders
        self._remind_choices: dict[tuple[str, datetime], list[Choice]] = {}

    # -- replies ------------------------------------------------------------------------
    def t(self, lang: str, key: str, **params: object) -> str:
        return self.core.t(lang, key, **params)

    async def reply(
        self,
        interaction: Interaction,
        text: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        link: str | None = None,
    ) -> None:
        """A private reply: ``text`` is plain and escaped here; ``link``, an address of ours,
        goes on its own line unescaped (an escaped one is no longer a working link)."""
        content = clip(discord_markdown(text), CONTENT) if text else None
        if link is not None:
            content = f"{content or ''}\n<{link}>"
        kwargs: dict[str, Any] = {"content": content, "allowed_mentions": NO_MENTIONS}
        if embed is not None:
            kwargs["embed"] = embed
        if view is not None:
            kwargs["view"] = view
        deferred = discord.InteractionResponseType.deferred_channel_message
        if interaction.response.type is deferred:  # replace the "thinking…" message
            kwargs.setdefault("embed", None)
            kwargs.setdefault("view", None)
            await interaction.edit_original_response(**kwargs)
        elif interaction.response.is_done():
            await interaction.followup.send(ephemeral=True, **kwargs)
        else:
            await first_reply(lambda: interaction.response.send_message(ephemeral=True, **kwargs))

    async def show(
        self, interaction: Interaction, view: mod_views.View, *, buttons: bool = True
    ) -> None:
        """A moderator view, privately, as an embed (with its buttons)."""
        await self.reply(
            interaction,
            embed=modembeds.embed(self.core, view),
            view=views.buttons(list(view.buttons)) if buttons else None,
        )

    async def refused(self, interaction: Interaction, refusal: Refused) -> None:
        """Tell the member privately why not, in their language."""
        log.info("moderator action refused", extra={"why": refusal.code})
        await self.reply(interaction, refusal.message(await self.bot.lang(interaction)))

    @staticmethod
    def check(interaction: Interaction, need: Need = "manage") -> str:
        """The permission check for actions the service does not wrap itself: the server id,
        or :class:`~bot.moderation.refusals.NotAllowed` raised."""
        return Moderation.check(actor(interaction), community(interaction), need)

    # -- community language -------------------------------------------------------------
    async def set_language(self, interaction: Interaction, value: str | None) -> None:
        lang = await self.bot.lang(interaction)
        result = await self.moderation.set_language(
            actor(interaction), community(interaction), value
        )
        if result is None:  # now the member's own language again
            lang = await self.bot.lang(interaction)
            await self.reply(interaction, mod_text(lang, "lang.community_follow"))
            return
        await self.reply(
            interaction,
            mod_text(
                result,
                "lang.community_set",
                language=self.core.catalogs.language_name(result, result),
            ),
        )

    # -- notes --------------------------------------------------------------------------
    async def open_note_form(self, interaction: Interaction, situation_id: str | None) -> None:
        """Answer with the note form for a situation, filled with the current note."""
        lang = await self.bot.lang(interaction)
        self.check(interaction)
        sid = situation_id if situation_id and situations.get(situation_id) else None
        if sid is None:
            raise NoteRefused("unknown_situation", value=(situation_id or "")[:40])
        current = await note_for(self.repo, PLATFORM, community(interaction), sid)
        title = self.t(lang, "discord.note.form_title", title=self.t(lang, f"{sid}.title"))
        modal = discord.ui.Modal(
            title=clip(title, MODAL_TITLE),
            custom_id=core_tokens.NOTE_FORM.build(situation=sid),
            timeout=None,
        )
        modal.add_item(discord.ui.TextInput(
            label=clip(self.t(lang, "discord.note.label"), INPUT_LABEL),
            custom_id=NOTE_INPUT, style=discord.TextStyle.paragraph,
            placeholder=clip(self.t(lang, "discord.note.placeholder"), PLACEHOLDER),
            default=current, max_length=MAX_NOTE_CHARS, required=True,
        ))  # fmt: skip
        modal.stop()  # not kept in memory: on_interaction answers the submit, after restarts too
        await interaction.response.send_modal(modal)

    async def submit_note(self, interaction: Interaction, situation_id: str) -> None:
        """The note form was sent: check the rights again, validate, save, refresh pins."""
        lang = await self.bot.lang(interaction)
        raw = modal_value(interaction, NOTE_INPUT)
        await self.moderation.set_note(
            actor(interaction), community(interaction), situation_id, raw or ""
        )
        try:
            await self.reply(interaction, mod_text(lang, "note.saved"))
        finally:  # the note is saved: the pinned guides show it even if the reply came late
            await self.refresh_server_pins(community(interaction))

    async def remove_note(self, interaction: Interaction, situation_id: str | None) -> None:
        lang = await self.bot.lang(interaction)
        result = await self.moderation.remove_note(
            actor(interaction), community(interaction), situation_id or ""
        )
        await self.reply(interaction, mod_text(lang, "note.removed" if result else "note.none"))
        if result:
            await self.refresh_server_pins(community(interaction))

    async def list_notes(self, interaction: Interaction) -> None:
        lang = await self.bot.lang(interaction)
        notes = await self.moderation.notes(actor(interaction), community(interaction))
        view = mod_views.notes_view(
            self.core, notes[:12], lang, edit=lambda sid: core_tokens.NOTE_EDIT.build(situation=sid)
        )
        await self.show(interaction, view)

    # -- the web dashboard ---------------------------------------------------------------
    async def dashboard(self, interaction: Interaction) -> None:
        """A one-time sign-in link to this server's dashboard, in an ephemeral reply (only the
        moderator who asked sees it)."""
        lang = await self.bot.lang(interaction)
        url = await self.moderation.dashboard_link(
            actor(interaction), community(interaction), self.bot.assistant.dashboard_url
        )
        # the sentence before the address, escaped; the address itself as a link
        await self.reply(interaction, mod_text(lang, "dashboard.link", url="").strip(), link=url)

    # -- stats and log ------------------------------------------------------------------
    async def stats(self, interaction: Interaction) -> None:
        lang = await self.bot.lang(interaction)
        result = await self.bot.in_time(  # defers if storage is slow (3-second window)
            interaction,
            self.moderation.stats(actor(interaction), community(interaction)),
            ephemeral=True,
        )
        await self.show(interaction, mod_views.stats_view(result, lang), buttons=False)

    async def action_log(self, interaction: Interaction) -> None:
        lang = await self.bot.lang(interaction)
        result = await self.moderation.action_log(actor(interaction), community(interaction), 25)
        await self.show(interaction, mod_views.log_view(result, lang), buttons=False)

    # -- pins ---------------------------------------------------------------------------
    async def edit_pin(self, pin: PinRecord) -> pins_mod.EditOutcome:
        """Edit one recorded pinned answer in place: "gone" if the message was deleted.

        The message keeps its id and its pin. One that was unpinned by hand is forgotten too.
        """
        ref = parse_ref(pin)
        if ref is None:
            return "gone"
        channel_id, message_id = ref
        server = pin.chat_id if "-" in pin.message_id else None
        note = await note_for(self.repo, PLATFORM, server, pin.situation)
        answer = self.core.situation(pin.situation, pin.lang, community_note=note)
        groups = self.bot.embeds.get(answer)
        view = None if len(groups) > 1 else self.bot.view_for(answer)
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            edited = await message.edit(embeds=groups[0], view=view, allowed_mentions=NO_MENTIONS)
        except discord.NotFound:  # 10008 Unknown Message, 10003 Unknown Channel
            return "gone"
        except discord.HTTPException as exc:
            log.warning(
                "editing a pinned answer failed", extra={"status": exc.status, "code": exc.code}
            )
            return "failed"
        return "edited" if edited.pinned else "gone"

    async def adopt_channel_pins(self) -> int:
        """Move pins recorded per channel (before pins were kept per server) under their server.

        Returns how many moved. A channel that no longer exists takes its pins with it.
        """
        moved = 0
        for pin in await self.repo.list_pins(PLATFORM):
            ref = parse_ref(pin)
            if "-" in pin.message_id or ref is None:
                continue
            try:
                channel = await self.bot.http.get_channel(ref[0])
            except discord.NotFound:
                await pins_mod.forget_deleted(self.repo, pin)
                continue
            except discord.HTTPException:
                continue  # try again at the next start
            server = channel.get("guild_id")
            if not server:
                continue
            await self.repo.record_pin(
                PLATFORM, str(server), pin_ref(*ref), pin.situation, pin.lang,
                pin.content_version, at=pin.pinned_at,
            )  # fmt: skip
            await self.repo.forget_pin(PLATFORM, pin.chat_id, pin.message_id)
            moved += 1
        return moved

    async def refresh_all_pins(self) -> pins_mod.RefreshReport:
        """At start-up: bring every pinned answer the bot owns up to date."""
        if moved := await self.adopt_channel_pins():
            log.info("pinned answers now recorded per server: %d", moved)
        report = await pins_mod.refresh(
            self.repo, PLATFORM, self.core.content_version, self.edit_pin
        )
        if report != pins_mod.RefreshReport():
            log.info("pinned answers refreshed: %s", report)
        return report

    async def refresh_server_pins(self, server: str | None) -> None:
        """After a note changed: the server's pins under it show the new note."""
        if server is not None:
            await self.moderation.refresh_after_note(PLATFORM, server, self.edit_pin)

    async def server_pins(self, interaction: Interaction) -> list[tuple[PinRecord, int, int]]:
        """The server's recorded pins with (channel, message)."""
        result = await self.moderation.pins(actor(interaction), community(interaction))
        out = []
        for pin in result:
            ref = parse_ref(pin)
            if ref is not None:
                out.append((pin, *ref))
        return out

    async def list_pins(self, interaction: Interaction, whole_server: bool) -> None:
        lang = await self.bot.lang(interaction)
        found = await self.server_pins(interaction)
        if not whole_server:
            found = [f for f in found if f[1] == interaction.channel_id]
        rows = []
        for n, (pin, channel_id, message_id) in enumerate(found, 1):
            target = await pins_mod.target_version(self.repo, pin, self.core.content_version)
            rows.append(
                mod_views.PinRow(
                    pin,
                    str(n),
                    modembeds.jump_url(pin.chat_id, channel_id, message_id),
                    pin.content_version != target,
                    str(channel_id) if whole_server else None,
                )
            )
        title = self.t(lang, "discord.pins.server" if whole_server else "discord.pins.channel")
        # 25 components at most: 24 unpin buttons and "update"
        await self.show(interaction, mod_views.pins_view(rows, lang, title=title, max_buttons=24))

    async def remove_pin(self, interaction: Interaction, ref: str | None) -> None:
        """Unpin one of the bot's pinned answers in this server and forget it."""
        lang = await self.bot.lang(interaction)
        wanted = _message_ref(ref)
        outcome, _pin = await self.moderation.unpin(
            actor(interaction), community(interaction),
            lambda p: wanted in (p.message_id, p.message_id.rpartition("-")[2]),
            DiscordPins(self),
        )  # fmt: skip
        key = {"removed": "mod.pins.forgotten", "unknown": "discord.pins.unknown",
               "refused": "discord.pins.unpin_failed"}[outcome]  # fmt: skip
        await self.reply(interaction, self.t(lang, key))

    async def refresh_pins(self, interaction: Interaction) -> None:
        lang = await self.bot.lang(interaction)
        self.check(interaction, "pins")
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.moderation.refresh_pins(
            actor(interaction), community(interaction), self.edit_pin
        )
        await self.reply(interaction, mod_text(
            lang, "pins.refreshed", edited=report.edited, forgotten=report.forgotten,
            failed=report.failed))  # fmt: skip

    async def pin_suggestions(
        self, interaction: Interaction, current: str
    ) -> list[tuple[str, str]]:
        """(label, value) of the server's pins for autocomplete; nothing for non-moderators."""
        try:
            self.check(interaction, "pins")
        except Refused:
            return []  # a member's autocomplete shows nothing
        lang = await self.bot.lang(interaction)
        pins = await self.repo.list_pins(PLATFORM, community(interaction) or "")
        out = []
        for pin in pins:
            ref = parse_ref(pin)
            if ref is None:
                continue
            label = f"{self.t(lang, f'{pin.situation}.title')} ({pin.lang}) · {ref[1]}"
            if current.strip().lower() in label.lower():
                out.append((label[:100], pin.message_id))
        return out[:25]

    # -- reminders ----------------------------------------------------------------------
    def remind_choices(self, answer: Answer) -> list[Choice]:
        """The "remind me" buttons under the cancel-request guide, dated now."""
        situation = situations.get(answer.situation or "")
        if (
            answer.kind != AnswerKind.SITUATION
            or situation is None
            or not situation.offers_reminders
        ):
            return []
        # Minute precision is plenty for "remind me in 12 hours", and lets the same buttons
        # (and the view built from them) serve every guide shown within that minute.
        now = self.reminders.clock.now().replace(second=0, microsecond=0)
        key = (answer.lang, now)
        found = self._remind_choices.get(key)
        if found is None:
            if len(self._remind_choices) > 64:  # only the current minute's are ever asked for
                self._remind_choices.clear()
            found = self._remind_choices[key] = [
                Choice(
                    tokens.remind(answer.lang, hours, now),
                    mod_text(answer.lang, "reminder.choice", hours=hours),
                    ChoiceKind.REMIND,
                )
                for hours in self.reminders.choices
            ]
        return found

    async def remind(self, interaction: Interaction, token: tokens.RemindToken) -> None:
        lang = token.lang if token.lang in self.core.languages else await self.bot.lang(interaction)
        reminder = await self.reminders.schedule(
            PLATFORM, str(interaction.user.id), token.hours, lang=lang,
            chat_id=community(interaction), requested_at=token.requested_at,
        )  # fmt: skip
        cancel = Choice(
            tokens.cancel(lang, reminder.id),
            mod_text(lang, "reminder.cancel_button", id=reminder.id),
            ChoiceKind.REMOVE,
        )
        scheduled = mod_text(lang, "reminder.scheduled", when=format_time(reminder.remind_at))
        # The reminder will come as a direct message: find out now whether it can (a member
        # may allow none), not when it is due, and say so while the member is here.
        try:
            channel = await self.bot.create_dm(interaction.user)
            await channel.send(
                content=clip(f"⏰ {discord_markdown(scheduled)}", CONTENT),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.Forbidden:
            await self.reminders.cancel(PLATFORM, str(interaction.user.id), reminder.id)
            await self.reply(interaction, self.t(lang, "discord.reminder.dm_closed"))
            return
        await self.reply(interaction, scheduled, view=views.buttons([cancel]))
        self.reminders.poke()

    async def cancel_reminder(self, interaction: Interaction, token: tokens.CancelToken) -> None:
        """Cancel the presser's own reminder; anyone else's id is simply not found."""
        lang = await self.bot.lang(interaction)
        done = await self.reminders.cancel(PLATFORM, str(interaction.user.id), token.reminder_id)
        await self.reply(
            interaction, mod_text(lang, "reminder.cancelled" if done else "reminder.not_found")
        )

    async def list_reminders(self, interaction: Interaction) -> None:
        lang = await self.bot.lang(interaction)
        pending = await self.reminders.pending(PLATFORM, str(interaction.user.id))
        await self.show(interaction, mod_views.reminders_view(pending, lang))

    async def deliver(self, reminder: Reminder, late: bool) -> bool:
        """Send one reminder as a direct message; False if Discord would not deliver it."""
        body = discord_markdown(reminder_text(reminder, late))
        deadline = int(reminder.deadline_at.timestamp())
        content = clip(f"⏰ {body}\n<t:{deadline}:F> (<t:{deadline}:R>)", CONTENT)
        try:
            channel = await self.bot.create_dm(discord.Object(int(reminder.user_id)))
            await channel.send(content=content, allowed_mentions=NO_MENTIONS)
        except (discord.HTTPException, ValueError) as exc:
            log.warning(
                "reminder DM failed", extra={"reminder": reminder.id, "error": type(exc).__name__}
            )
            return False
        return True

    # -- buttons ------------------------------------------------------------------------
    async def on_token(
        self,
        interaction: Interaction,
        token: tokens.RemindToken | tokens.CancelToken | tokens.ModToken,
    ) -> None:
        """A reminder or moderator button. Moderator ones are checked again, whoever pressed."""
        if isinstance(token, tokens.RemindToken):
            await self.remind(interaction, token)
        elif isinstance(token, tokens.CancelToken):
            await self.cancel_reminder(interaction, token)
        elif token.op == "note-rm":
            await self.remove_note(interaction, token.arg)
        elif token.op == "pin-rm":
            await self.remove_pin(interaction, token.arg)
        elif token.op == "pins-refresh":
            await self.refresh_pins(interaction)
        elif token.op == "stats":
            await self.stats(interaction)
        else:
            await self.action_log(interaction)


def _message_ref(value: str | None) -> str:
    """A pin as typed or picked: ``<channel>-<message>``, a message id, or a message link."""
    raw = (value or "").strip()
    if "/" in raw:  # https://discord.com/channels/<guild>/<channel>/<message>
        raw = raw.rstrip("/").rsplit("/", 1)[-1]
    return raw


def modal_value(interaction: Interaction, custom_id: str) -> str | None:
    """The value of a text input in a modal submit, in either payload shape (rows or labels)."""
    data = cast(dict[str, Any], interaction.data or {})
    stack = list(data.get("components") or [])
    while stack:
        item = stack.pop(0)
        if not isinstance(item, dict):
            continue
        if item.get("custom_id") == custom_id and "value" in item:
            return str(item["value"])
        stack += item.get("components") or []
        if isinstance(item.get("component"), dict):
            stack.append(item["component"])
    return None


class DiscordPins:
    """A server's pinned guides, Discord's way (a :class:`~bot.moderation.surface.PinSurface`).

    Refs are ``<channel id>-<message id>``; ``interaction`` (for a new pin) is where the guide
    is posted, publicly, as the interaction's reply.
    """

    def __init__(self, desk: Desk, interaction: Interaction | None = None) -> None:
        self.desk, self.interaction = desk, interaction
        self.http = desk.bot.http

    async def can_pin(self) -> bool:
        return self.interaction is not None and self.interaction.app_permissions.pin_messages

    async def post(self, answer: Answer) -> str | None:
        assert self.interaction is not None
        message = await self.desk.bot.send(self.interaction, answer, ephemeral=False)
        if message is None:
            return None
        return pin_ref(self.interaction.channel_id or message.channel.id, message.id)

    async def pin(self, ref: str) -> PinResult:
        where = split_ref(ref)
        if where is None:
            return "refused"
        try:
            await self.http.pin_message(*where, reason="sellerbot /pin")
        except discord.HTTPException as exc:
            log.warning("pin failed", extra={"status": exc.status, "code": exc.code})
            return "refused"
        except aiohttp.ClientConnectionError:  # no answer: the pin may have been made
            log.warning("pin not completed: taking it back")
            await self.unpin(ref)
            return "failed"
        return "pinned"

    async def unpin(self, ref: str) -> bool:
        where = split_ref(ref)
        if where is None:
            return True  # nothing Discord could unpin: forgetting it is all there is to do
        try:
            await self.http.unpin_message(*where, reason="sellerbot /pins")
        except discord.NotFound:
            pass  # deleted or unpinned by hand already: forget it all the same
        except discord.HTTPException as exc:
            log.warning("unpin failed", extra={"status": exc.status, "code": exc.code})
            return False
        except aiohttp.ClientError:
            log.warning("unpin got no answer")
            return False
        return True

    async def edit(self, pin: PinRecord) -> pins_mod.EditOutcome:
        return await self.desk.edit_pin(pin)
