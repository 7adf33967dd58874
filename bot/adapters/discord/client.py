"""The Discord client: command tree, component routing and sending answers.

Wiring and conversion only: interactions become :class:`~bot.assistant.Assistant` calls, and
the :class:`~bot.core.answer.Answer` values it returns become embeds and components.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar, cast

import discord
from cachetools import LRUCache
from discord import app_commands
from discord.utils import MISSING

from bot import metrics
from bot.adapters.discord import commands, embeds, modcommands, texts, views
from bot.adapters.discord.firstreply import first_reply
from bot.adapters.discord.guard import guard_json, guard_parsers, quiet_expired_autocomplete
from bot.adapters.discord.moderation import Desk, DiscordPins, actor
from bot.adapters.discord.translator import CatalogTranslator
from bot.assistant import Assistant, Member, Place
from bot.core import actions, matching, situations
from bot.core import tokens as core_tokens
from bot.core.answer import Answer, AnswerKind, Choice, ChoiceKind
from bot.moderation import tokens
from bot.moderation.refusals import Refused
from bot.moderation.reminders import LEASE, Clock, ReminderService
from bot.moderation.service import Moderation
from bot.storage import Repository
from bot.storage.cached import CachedPreferences

log = logging.getLogger(__name__)

PLATFORM = "discord"
NO_MENTIONS = discord.AllowedMentions.none()
#: Defer when the answer is not ready after this long (Discord allows 3 s for a first reply).
DEFER_AFTER = 2.0
#: Seconds Discord accepts an interaction's first response in.
ANSWER_WINDOW = 3.0
#: Seconds a stop waits for the interactions under way to get their first response.
DRAIN_SECONDS = ANSWER_WINDOW

T = TypeVar("T")


def intents() -> discord.Intents:
    """Guilds only: no privileged intents (members, presences, message content)."""
    value = discord.Intents.none()
    value.guilds = True
    return value


class SellerBot(discord.AutoShardedClient):
    """The bot. Holds the assistant; REST and gateway come from discord.py.

    Args:
        assistant: The service layer (core and storage).
        defer_after: Seconds to wait for an answer before deferring the interaction.
        preferences_ttl: Seconds a member's or server's language, or a server's note, is cached.
        clock: Time source of the deadline reminders (the real clock by default).
        reminder_interval: Seconds between checks for due reminders.
        reminder_lease: Seconds a claim on due reminders holds (see :class:`ReminderService`).
        background: Run the reminder loop and the start-up pin refresh (not when only syncing).
        **options: Passed to :class:`discord.AutoShardedClient` (e.g. ``shard_count``).
    """

    def __init__(
        self,
        assistant: Assistant,
        *,
        defer_after: float = DEFER_AFTER,
        preferences_ttl: float = 15.0,
        clock: Clock | None = None,
        reminder_interval: float = 30.0,
        reminder_lease: float = LEASE.total_seconds(),
        background: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents())
        super().__init__(allowed_mentions=NO_MENTIONS, **options)
        guard_parsers(self._connection.parsers)  # a malformed event must not end the client
        guard_json()  # nor a frame orjson cannot read
        quiet_expired_autocomplete()  # nor an autocomplete the member typed past
        # Our own Assistant over the same core and storage, with language reads cached.
        # The runner already hands every adapter a cached repository; tests may not.
        repo = assistant.repo
        self.preferences = (
            repo
            if isinstance(repo, CachedPreferences)
            else CachedPreferences(repo, ttl=preferences_ttl)
        )
        self.assistant = Assistant(
            assistant.core, cast(Repository, self.preferences), assistant.default_lang
        )
        self.assistant.dashboard_url = assistant.dashboard_url
        self.core = assistant.core
        #: Seconds to wait for an answer before deferring the interaction.
        self.defer_after = defer_after
        self.embeds = embeds.Embeds(self.core)
        self._views: LRUCache[
            tuple[Answer, Choice | None, tuple[Choice, ...]], discord.ui.View | None
        ] = LRUCache(512)
        self._share: dict[tuple[str, str], Choice] = {}  # languages × situations: small
        self.reminders = ReminderService(
            cast(Repository, self.preferences),
            clock,
            platform=PLATFORM,
            interval=reminder_interval,
            lease=timedelta(seconds=reminder_lease),
        )
        self.desk = Desk(self, self.reminders)
        self.tree: app_commands.CommandTree[SellerBot] = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        for command in [*commands.build(self), *modcommands.build(self.desk)]:
            self.tree.add_command(command)
        self.startup: asyncio.Task[Any] | None = None
        self.background = background
        #: Interactions of the last 3 seconds, oldest first (when each came, the interaction):
        #: :meth:`close` waits for those still unanswered.
        self._recent: deque[tuple[float, discord.Interaction[Any]]] = deque()

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.core))
        self.add_dynamic_items(views.router(self.on_component))
        # Logged in (REST works); no need to wait for the gateway. Reminders that fell due
        # while the bot was down go out now (late), and pinned answers catch up with the
        # current guidance.
        if not self.background:
            return
        self.reminders.start(self.desk.deliver)
        self.startup = asyncio.create_task(self._refresh_pins(), name="sellerbot-pins")

    async def _refresh_pins(self) -> None:
        try:
            await self.desk.refresh_all_pins()
        except Exception:
            log.exception("refreshing pinned answers at start-up failed")

    async def close(self) -> None:
        await self.reminders.stop()
        if self.startup is not None and not self.startup.done():
            self.startup.cancel()
            await asyncio.gather(self.startup, return_exceptions=True)
        await self._drain()
        await super().close()
        await self.preferences.flush()

    async def _drain(self) -> None:
        """Let the interactions under way get their first response before the HTTP session
        closes (at most :data:`DRAIN_SECONDS`); one older than Discord's 3-second window can
        no longer get one."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            now = time.monotonic()
            if not any(
                now - came < ANSWER_WINDOW and not i.response.is_done() for came, i in self._recent
            ):
                return
            await asyncio.sleep(0.05)
        log.warning("discord: answers still under way at the stop; stopping anyway")

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every interaction is counted; modal submits are answered here, from their custom_id,
        so no modal is kept in memory."""
        metrics.UPDATES.labels(PLATFORM).inc()
        now = time.monotonic()
        while self._recent and now - self._recent[0][0] > ANSWER_WINDOW:
            self._recent.popleft()
        self._recent.append((now, interaction))
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = cast(dict[str, Any], interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if (form := core_tokens.parse(custom_id, "note-form")) is not None:
            try:
                await self.desk.submit_note(interaction, form["situation"])
            except Refused as refusal:
                await self._refuse(interaction, refusal)
            return
        member, place = self.who(interaction)
        try:
            await self.send(
                interaction, await self.assistant.press(custom_id, member, place), ephemeral=True
            )
        except discord.HTTPException as exc:
            if not views.expired(exc):
                raise
            log.info("modal submit expired before the reply", extra={"custom_id": custom_id})
        except RuntimeError:
            if not self.is_closed():
                raise
            log.info("discord: a modal submit left unanswered by the stop")

    async def _refuse(self, interaction: discord.Interaction[Any], refusal: Refused) -> None:
        """Tell the member why not; an interaction that expired meanwhile is no error."""
        try:
            await self.desk.refused(interaction, refusal)
        except discord.HTTPException as exc:
            if not views.expired(exc):
                raise
            log.info("interaction expired before the refusal", extra={"reason": str(refusal)})

    # -- who and where ------------------------------------------------------------------
    def who(self, interaction: discord.Interaction[Any]) -> tuple[Member, Place]:
        """The member (with their Discord locale) and the server (None in a DM).

        A server's chosen language outranks the member's locale in the core's language order.
        """
        place = Place(PLATFORM, str(interaction.guild_id) if interaction.guild_id else None)
        return Member(PLATFORM, str(interaction.user.id), str(interaction.locale)), place

    async def lang(self, interaction: discord.Interaction[Any]) -> str:
        member, place = self.who(interaction)
        return await self.assistant.language(member, place)

    def text(self, lang: str, key: str) -> str:
        return texts.text(self.core, lang, key)

    # -- answering ----------------------------------------------------------------------
    async def in_time(
        self,
        interaction: discord.Interaction[Any],
        work: Awaitable[T],
        *,
        ephemeral: bool,
        edit: bool = False,
    ) -> T:
        """Await ``work``; if it takes longer than ``defer_after``, defer the interaction first.

        Fast answers cost one request (the reply itself); slow ones are deferred in time.
        """
        loop = asyncio.get_running_loop()
        deferring: list[asyncio.Task[Any]] = []

        async def defer() -> None:
            if not interaction.response.is_done():
                if edit:
                    await interaction.response.defer()
                else:
                    await interaction.response.defer(ephemeral=ephemeral, thinking=True)

        timer = loop.call_later(
            self.defer_after, lambda: deferring.append(loop.create_task(defer()))
        )
        try:
            return await work
        finally:
            timer.cancel()
            if deferring:
                await deferring[0]

    def share_choice(self, answer: Answer) -> Choice | None:
        """The "Share in channel" button for a guide, or None for other answers."""
        if answer.situation is None or answer.kind != AnswerKind.SITUATION:
            return None
        key = (answer.lang, answer.situation)
        found = self._share.get(key)
        if found is None:
            token = actions.situation(answer.lang, answer.situation)
            found = self._share[key] = Choice(
                core_tokens.SHARE.build(token=token),
                self.text(answer.lang, "discord.share"),
                ChoiceKind.SHARE,
            )
        return found

    async def send(
        self,
        interaction: discord.Interaction[Any],
        answer: Answer,
        *,
        ephemeral: bool,
        edit: bool = False,
        share: bool = False,
        content: str | None = None,
    ) -> discord.Message | None:
        """Send (or with ``edit``, replace the pressed message with) an answer.

        ``share`` adds a "Share in channel" button to guides shown privately in a server.
        Returns the message, when Discord reported it.
        """
        groups = self.embeds.get(answer)
        share_button = (
            self.share_choice(answer)
            if share and ephemeral and interaction.guild_id is not None
            else None
        )
        remind = self.desk.remind_choices(answer) if ephemeral else []
        view = self.view_for(answer, share_button, remind)
        first, rest = groups[0], groups[1:]
        first_view = None if rest else view
        message: discord.Message | None = None
        response = interaction.response
        if content is not None:
            content = embeds.clip(content, embeds.CONTENT)
        if not response.is_done():
            if edit:
                await first_reply(
                    lambda: response.edit_message(
                        content=content, embeds=first, view=first_view, allowed_mentions=NO_MENTIONS
                    )
                )
                message = interaction.message
            else:
                result = await first_reply(
                    lambda: response.send_message(
                        content=content,
                        embeds=first,
                        view=first_view or MISSING,
                        ephemeral=ephemeral,
                        allowed_mentions=NO_MENTIONS,
                    )
                )
                resource = result.resource if result is not None else None
                message = resource if isinstance(resource, discord.Message) else None
        else:
            message = await interaction.edit_original_response(
                content=content, embeds=first, view=first_view, allowed_mentions=NO_MENTIONS
            )
        for i, group in enumerate(rest):
            last = i == len(rest) - 1
            await interaction.followup.send(
                embeds=group,
                view=view if last and view else MISSING,
                ephemeral=ephemeral,
                allowed_mentions=NO_MENTIONS,
            )
        return message

    def view_for(
        self, answer: Answer, share: Choice | None = None, extra: list[Choice] | None = None
    ) -> discord.ui.View | None:
        """The (stopped, so reusable) view for an answer, built once per answer, share and
        extra buttons (reminder buttons are dated to the minute, so they repeat too).
        """
        key = (answer, share, tuple(extra or ()))
        if key not in self._views:
            self._views[key] = views.answer_view(
                answer,
                share=share,
                extra=extra or (),
                placeholder=self.core.t(answer.lang, "ui.situations.title"),
            )
        return self._views[key]

    async def notice(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A short private message (plain text, escaped)."""
        answer = Answer(kind=AnswerKind.NOTICE, lang="", title=text)
        await self.send(interaction, answer, ephemeral=True)

    # -- components ---------------------------------------------------------------------
    async def on_component(
        self, interaction: discord.Interaction[Any], custom_id: str, values: list[str]
    ) -> None:
        """Any button or select press (see :mod:`bot.adapters.discord.views`); a refusal is
        answered privately."""
        try:
            await self._component(interaction, custom_id, values)
        except Refused as refusal:
            await self._refuse(interaction, refusal)

    async def _component(
        self, interaction: discord.Interaction[Any], custom_id: str, values: list[str]
    ) -> None:
        own = core_tokens.parse(custom_id, "note-edit", "share", "pin-menu", "menu")
        family = own.family if own is not None else None
        if own is not None and family == "note-edit":
            await self.desk.open_note_form(interaction, own["situation"])
            return
        if (mod_token := tokens.parse(custom_id)) is not None:
            await self.desk.on_token(interaction, mod_token)
            return
        if own is not None and family == "share":
            await self.share(interaction, own["token"])
            return
        if own is not None and family == "pin-menu":
            await self.pin(interaction, values[0] if values else None, own["lang"] or None)
            return
        token = values[0] if family == "menu" and values else custom_id
        member, place = self.who(interaction)
        action = actions.parse(token)
        feedback = action is not None and action.verb == "f"
        message = interaction.message
        ref = f"{interaction.channel_id}:{message.id}" if message is not None else None
        # A private message is updated in place as the member walks; a public one is left
        # alone and the member gets a private answer; votes get a private "thanks".
        edit = message is not None and message.flags.ephemeral and not feedback
        answer = await self.in_time(
            interaction,
            self.assistant.press(token, member, place, answer_ref=ref if feedback else None),
            ephemeral=True,
            edit=edit,
        )
        if answer.kind == AnswerKind.STALE and not interaction.response.is_done():
            edit = False  # keep the old message; the notice comes with a fresh menu
        await self.send(interaction, answer, ephemeral=True, edit=edit, share=True)

    async def share(self, interaction: discord.Interaction[Any], token: str) -> None:
        """Post the guide ``token`` shows in the channel, for everyone."""
        member, place = self.who(interaction)
        answer = await self.assistant.press(token, member, place)
        if answer.kind != AnswerKind.SITUATION or interaction.guild_id is None:
            await self.send(interaction, answer, ephemeral=True)
            return
        await self.send(interaction, answer, ephemeral=False)

    # -- moderators ---------------------------------------------------------------------
    async def pin(
        self,
        interaction: discord.Interaction[Any],
        situation_id: str | None,
        lang_option: str | None,
    ) -> None:
        """Post a guide publicly and pin it; needs Pin Messages, for the member and the bot."""
        member, place = self.who(interaction)
        lang = await self.assistant.language(member, place)
        if interaction.guild_id is None:
            await self.notice(interaction, self.text(lang, "discord.guild_only"))
            return
        try:
            Moderation.check(actor(interaction), place.chat_id, "pins")
        except Refused:  # said the Discord way: which permission, and where to set it
            await self.notice(interaction, self.text(lang, "discord.pin.need_permission"))
            return
        if not interaction.app_permissions.pin_messages:
            await self.notice(interaction, self.text(lang, "discord.pin.bot_permission"))
            return
        pin_lang = await self.pin_language(interaction, lang_option, lang)
        sid = matching.resolve(self.core, pin_lang, situation_id)
        if sid is None:
            options = [
                (s.id, self.core.t(pin_lang, f"{s.id}.title")) for s in situations.SITUATIONS
            ]
            view = views.pin_picker(options, pin_lang, self.text(lang, "discord.pin.pick"))
            await interaction.response.send_message(
                self.text(lang, "discord.pin.pick"),
                view=view,
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        outcome, _ref = await self.desk.moderation.pin(
            actor(interaction), str(interaction.guild_id), sid, pin_lang,
            DiscordPins(self.desk, interaction),
        )  # fmt: skip
        problems = {
            "cannot_pin": "discord.pin.bot_permission",
            "refused": "discord.pin.failed",
            "failed": "discord.pin.failed",
            "not_saved": "ui.not_saved",
        }
        if outcome not in problems:
            return
        said = self.core.t(lang, problems[outcome])
        if interaction.response.is_done():  # the guide was posted: say so after it
            await interaction.followup.send(said, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await self.notice(interaction, said)

    async def pin_language(
        self, interaction: discord.Interaction[Any], option: str | None, fallback: str
    ) -> str:
        """The option, else the server's chosen language, else its locale, else ``fallback``."""
        for value in (option,):
            found = texts.language_for(self.core, value) if value else None
            if found:
                return found
        if interaction.guild_id is not None:
            community = await self.assistant.repo.get_community(PLATFORM, str(interaction.guild_id))
            if community is not None and community.default_lang in self.core.languages:
                return community.default_lang
        if interaction.guild_locale is not None:
            found = texts.language_for(self.core, interaction.guild_locale)
            if found:
                return found
        return fallback

    # -- errors -------------------------------------------------------------------------
    async def _on_tree_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        command = getattr(interaction.command, "name", None)
        original = getattr(error, "original", error)
        if isinstance(original, Refused):
            await self.desk.refused(interaction, original)
            return
        if views.expired(original):
            # The 3-second window had passed (a stalled event loop or network): nothing to do.
            log.warning("interaction expired before the reply", extra={"command": command})
            return
        if views.stopping(interaction, original):
            log.info("discord: a command left unanswered by the stop", extra={"command": command})
            return
        if isinstance(error, app_commands.CommandNotFound):
            # A command registered once and since removed, or a name we never had.
            log.warning("unknown command", extra={"command": error.name[:100]})
            return
        metrics.ERRORS.labels(PLATFORM).inc()
        log.error("command failed", exc_info=error, extra={"command": command})
