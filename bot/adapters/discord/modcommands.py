"""Moderator command groups (``/mod``, ``/pins``) and the members' ``/reminders``.

Two groups keep the command list short. ``/mod`` needs Manage Server and ``/pins`` needs Pin
Messages, both as ``default_member_permissions`` (what Discord shows) and again at run time
(what the bot enforces: server admins can change who sees a command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.adapters.discord.commands import resolve_situation, situation_autocomplete
from bot.adapters.discord.texts import L, language_choices
from bot.core.engine import Core

if TYPE_CHECKING:
    from bot.adapters.discord.client import SellerBot

Interaction = discord.Interaction[Any]
MANAGE_SERVER = discord.Permissions(manage_guild=True)
PIN_MESSAGES = discord.Permissions(pin_messages=True)
SERVERS_ONLY = app_commands.AppCommandContext(guild=True)


def _bot(interaction: Interaction) -> SellerBot:
    return cast("SellerBot", interaction.client)


# -- /mod ---------------------------------------------------------------------------------
@app_commands.rename(language=L("discord.cmd.mod.language.language.name"))
@app_commands.describe(language=L("discord.cmd.mod.language.language.description"))
async def mod_language(interaction: Interaction, language: str) -> None:
    """Set the server's language, or follow each member's."""
    await _bot(interaction).desk.set_language(interaction, language)


@app_commands.rename(situation=L("discord.cmd.mod.note.situation.name"))
@app_commands.describe(situation=L("discord.cmd.mod.note.situation.description"))
@app_commands.autocomplete(situation=situation_autocomplete)
async def mod_note(interaction: Interaction, situation: str) -> None:
    """Write or edit the server's note under a guide (opens a form)."""
    bot = _bot(interaction)
    sid = resolve_situation(bot.core, await bot.lang(interaction), situation)
    await bot.desk.open_note_form(interaction, sid or situation)


async def mod_notes(interaction: Interaction) -> None:
    """List the server's notes, with edit and remove buttons."""
    await _bot(interaction).desk.list_notes(interaction)


@app_commands.rename(situation=L("discord.cmd.mod.note.situation.name"))
@app_commands.describe(situation=L("discord.cmd.mod.unnote.situation.description"))
@app_commands.autocomplete(situation=situation_autocomplete)
async def mod_unnote(interaction: Interaction, situation: str) -> None:
    """Remove the server's note under a guide."""
    bot = _bot(interaction)
    sid = resolve_situation(bot.core, await bot.lang(interaction), situation)
    await bot.desk.remove_note(interaction, sid or situation)


async def mod_stats(interaction: Interaction) -> None:
    """Questions, languages, helpfulness and unplaced questions in this server."""
    await _bot(interaction).desk.stats(interaction)


async def mod_log(interaction: Interaction) -> None:
    """The latest moderator actions in this server."""
    await _bot(interaction).desk.action_log(interaction)


# -- /pins --------------------------------------------------------------------------------
@app_commands.rename(server=L("discord.cmd.pins.list.server.name"))
@app_commands.describe(server=L("discord.cmd.pins.list.server.description"))
async def pins_list(interaction: Interaction, server: bool = False) -> None:
    """The bot's pinned answers in this channel (or the whole server)."""
    await _bot(interaction).desk.list_pins(interaction, server)


async def pin_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    found = await _bot(interaction).desk.pin_suggestions(interaction, current)
    return [app_commands.Choice(name=label, value=value) for label, value in found]


@app_commands.rename(message=L("discord.cmd.pins.remove.message.name"))
@app_commands.describe(message=L("discord.cmd.pins.remove.message.description"))
@app_commands.autocomplete(message=pin_autocomplete)
async def pins_remove(interaction: Interaction, message: str) -> None:
    """Unpin one of the bot's pinned answers and forget it."""
    await _bot(interaction).desk.remove_pin(interaction, message)


async def pins_refresh(interaction: Interaction) -> None:
    """Update this server's outdated pinned answers in place."""
    await _bot(interaction).desk.refresh_pins(interaction)


# -- /reminders ---------------------------------------------------------------------------
async def reminders(interaction: Interaction) -> None:
    """The member's waiting reminders, with cancel buttons."""
    await _bot(interaction).desk.list_reminders(interaction)


def _command(key: str, callback: Any) -> app_commands.Command[Any, ..., None]:
    return app_commands.Command(
        name=L(f"discord.cmd.{key}.name"), description=L(f"discord.cmd.{key}.description"),
        callback=callback,
    )


def build(core: Core) -> list[app_commands.Group | app_commands.Command[Any, ..., Any]]:
    """Fresh ``/mod``, ``/pins`` and ``/reminders`` for one tree."""
    languages = language_choices(core)
    follow = app_commands.Choice(name=L("discord.cmd.mod.language.follow"), value="auto")
    mod = app_commands.Group(
        name=L("discord.cmd.mod.name"), description=L("discord.cmd.mod.description"),
        allowed_contexts=SERVERS_ONLY, default_permissions=MANAGE_SERVER,
    )
    mod.add_command(_command(
        "mod.language", app_commands.choices(language=[*languages, follow])(mod_language)))
    mod.add_command(_command("mod.note", mod_note))
    mod.add_command(_command("mod.notes", mod_notes))
    mod.add_command(_command("mod.unnote", mod_unnote))
    mod.add_command(_command("mod.stats", mod_stats))
    mod.add_command(_command("mod.log", mod_log))
    pins = app_commands.Group(
        name=L("discord.cmd.pins.name"), description=L("discord.cmd.pins.description"),
        allowed_contexts=SERVERS_ONLY, default_permissions=PIN_MESSAGES,
    )
    pins.add_command(_command("pins.list", pins_list))
    pins.add_command(_command("pins.remove", pins_remove))
    pins.add_command(_command("pins.refresh", pins_refresh))
    return [mod, pins, _command("reminders", reminders)]
