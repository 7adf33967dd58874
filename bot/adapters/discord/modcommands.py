"""Moderator command groups (``/mod``, ``/pins``) and the members' ``/reminders``.

Each group is an :class:`app_commands.Group` class given the moderators' :class:`Desk` it
calls (as in discord.py's ``advanced_startup.py`` example): no callback looks the client up on
the interaction. Two groups keep the command list short. ``/mod`` needs Manage Server and
``/pins`` needs Pin Messages, both as ``default_member_permissions`` (what Discord shows) and
again at run time (what the bot enforces: server admins can change who sees a command).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.commands import resolve, situation_choices
from bot.adapters.discord.moderation import Desk
from bot.adapters.discord.texts import L, language_choices
from bot.core.catalogs import shared

Interaction = discord.Interaction[Any]
MANAGE_SERVER = discord.Permissions(manage_guild=True)
PIN_MESSAGES = discord.Permissions(pin_messages=True)
SERVERS_ONLY = app_commands.AppCommandContext(guild=True)
#: The server's language: one of the catalogs' languages, or follow each member.
SERVER_LANGUAGES = [
    *language_choices(shared()),
    app_commands.Choice(name=L("discord.cmd.mod.language.follow"), value="auto"),
]


class ModGroup(app_commands.Group):
    """``/mod``: the server's language, notes, statistics and action log."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(
            name=L("discord.cmd.mod.name"),
            description=L("discord.cmd.mod.description"),
            allowed_contexts=SERVERS_ONLY,
            default_permissions=MANAGE_SERVER,
        )
        self.desk = desk

    @app_commands.command(
        name=L("discord.cmd.mod.language.name"),
        description=L("discord.cmd.mod.language.description"),
    )
    @app_commands.rename(language=L("discord.cmd.mod.language.language.name"))
    @app_commands.describe(language=L("discord.cmd.mod.language.language.description"))
    @app_commands.choices(language=SERVER_LANGUAGES)
    async def language(self, interaction: Interaction, language: str) -> None:
        """Set the server's language, or follow each member's."""
        await self.desk.set_language(interaction, language)

    @app_commands.command(
        name=L("discord.cmd.mod.note.name"), description=L("discord.cmd.mod.note.description")
    )
    @app_commands.rename(situation=L("discord.cmd.mod.note.situation.name"))
    @app_commands.describe(situation=L("discord.cmd.mod.note.situation.description"))
    async def note(self, interaction: Interaction, situation: str) -> None:
        """Write or edit the server's note under a guide (opens a form)."""
        sid = await resolve(self.desk.bot, interaction, situation)
        await self.desk.open_note_form(interaction, sid or situation)

    @app_commands.command(
        name=L("discord.cmd.mod.notes.name"), description=L("discord.cmd.mod.notes.description")
    )
    async def notes(self, interaction: Interaction) -> None:
        """List the server's notes, with edit and remove buttons."""
        await self.desk.list_notes(interaction)

    @app_commands.command(
        name=L("discord.cmd.mod.unnote.name"), description=L("discord.cmd.mod.unnote.description")
    )
    @app_commands.rename(situation=L("discord.cmd.mod.note.situation.name"))
    @app_commands.describe(situation=L("discord.cmd.mod.unnote.situation.description"))
    async def unnote(self, interaction: Interaction, situation: str) -> None:
        """Remove the server's note under a guide."""
        sid = await resolve(self.desk.bot, interaction, situation)
        await self.desk.remove_note(interaction, sid or situation)

    @app_commands.command(
        name=L("discord.cmd.mod.stats.name"), description=L("discord.cmd.mod.stats.description")
    )
    async def stats(self, interaction: Interaction) -> None:
        """Questions, languages, helpfulness and unplaced questions in this server."""
        await self.desk.stats(interaction)

    @app_commands.command(
        name=L("discord.cmd.mod.log.name"), description=L("discord.cmd.mod.log.description")
    )
    async def log(self, interaction: Interaction) -> None:
        """The latest moderator actions in this server."""
        await self.desk.action_log(interaction)

    @note.autocomplete("situation")
    @unnote.autocomplete("situation")
    async def _situations(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await situation_choices(self.desk.bot, interaction, current)


class PinsGroup(app_commands.Group):
    """``/pins``: the bot's pinned guides in this server: list, unpin, update."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(
            name=L("discord.cmd.pins.name"),
            description=L("discord.cmd.pins.description"),
            allowed_contexts=SERVERS_ONLY,
            default_permissions=PIN_MESSAGES,
        )
        self.desk = desk

    @app_commands.command(
        name=L("discord.cmd.pins.list.name"), description=L("discord.cmd.pins.list.description")
    )
    @app_commands.rename(server=L("discord.cmd.pins.list.server.name"))
    @app_commands.describe(server=L("discord.cmd.pins.list.server.description"))
    async def list_pins(self, interaction: Interaction, server: bool = False) -> None:
        """The bot's pinned answers in this channel (or the whole server)."""
        await self.desk.list_pins(interaction, server)

    @app_commands.command(
        name=L("discord.cmd.pins.remove.name"), description=L("discord.cmd.pins.remove.description")
    )
    @app_commands.rename(message=L("discord.cmd.pins.remove.message.name"))
    @app_commands.describe(message=L("discord.cmd.pins.remove.message.description"))
    async def remove(self, interaction: Interaction, message: str) -> None:
        """Unpin one of the bot's pinned answers and forget it."""
        await self.desk.remove_pin(interaction, message)

    @app_commands.command(
        name=L("discord.cmd.pins.refresh.name"),
        description=L("discord.cmd.pins.refresh.description"),
    )
    async def refresh(self, interaction: Interaction) -> None:
        """Update this server's outdated pinned answers in place."""
        await self.desk.refresh_pins(interaction)

    @remove.autocomplete("message")
    async def _pins(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.desk.pin_suggestions(interaction, current)
        return [app_commands.Choice(name=label, value=value) for label, value in found]


def reminders_command(desk: Desk) -> app_commands.Command[Any, ..., None]:
    """``/reminders``: the member's waiting reminders, with cancel buttons."""

    async def reminders(interaction: Interaction) -> None:
        await desk.list_reminders(interaction)

    return app_commands.Command(
        name=L("discord.cmd.reminders.name"),
        description=L("discord.cmd.reminders.description"),
        callback=reminders,
    )


def dashboard_command(desk: Desk) -> app_commands.Command[Any, ..., None]:
    """``/dashboard``: a private, one-time link to the moderators' web dashboard."""

    async def dashboard(interaction: Interaction) -> None:
        await desk.dashboard(interaction)

    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.dashboard.name"),
        description=L("discord.cmd.dashboard.description"),
        callback=dashboard,
        allowed_contexts=SERVERS_ONLY,
    )
    command.default_permissions = MANAGE_SERVER
    return command


def build(desk: Desk) -> list[app_commands.Group | app_commands.Command[Any, ..., Any]]:
    """Fresh ``/mod``, ``/pins``, ``/reminders`` and ``/dashboard`` for one tree, calling
    ``desk``."""
    return [ModGroup(desk), PinsGroup(desk), reminders_command(desk), dashboard_command(desk)]
