"""Slash commands and the message context menu. Each one is a thin call into the assistant.

Commands are built fresh for every tree by :func:`build`; their callbacks find the bot (and
through it the assistant) on ``interaction.client``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.utils import MISSING

from bot.adapters.discord import texts
from bot.adapters.discord.texts import L, language_choices
from bot.core import matching
from bot.core.engine import MAX_QUESTION, Core

if TYPE_CHECKING:
    from bot.adapters.discord.client import SellerBot

Interaction = discord.Interaction[Any]


def _bot(interaction: Interaction) -> SellerBot:
    return cast("SellerBot", interaction.client)


# -- situation lookup -------------------------------------------------------------------
def resolve_situation(core: Core, lang: str, value: str | None) -> str | None:
    """A situation id from an option: the id itself (autocomplete), else the best title match."""
    return matching.resolve(core, lang, value)


async def situation_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 situations matching what the member typed, in the member's language."""
    bot = _bot(interaction)
    lang = await bot.lang(interaction)
    return [
        app_commands.Choice(name=title[:100], value=sid)
        for sid, title in matching.rank(bot.core, lang, current)
    ]


# -- callbacks --------------------------------------------------------------------------
@app_commands.rename(situation=L("discord.cmd.guide.situation.name"))
@app_commands.describe(situation=L("discord.cmd.guide.situation.description"))
@app_commands.autocomplete(situation=situation_autocomplete)
async def guide(interaction: Interaction, situation: str | None = None) -> None:
    """Walk the decision steps, or open the situation chosen in the option."""
    bot = _bot(interaction)
    member, place = bot.who(interaction)

    async def work() -> Any:
        lang = await bot.assistant.language(member, place)
        sid = resolve_situation(bot.core, lang, situation)
        if sid is None:
            return await bot.assistant.start_walk(member, place, lang)
        return await bot.assistant.situation(sid, member, place, lang)

    answer = await bot.in_time(interaction, work(), ephemeral=True)
    await bot.send(interaction, answer, ephemeral=True, share=True)


@app_commands.rename(question=L("discord.cmd.ask.question.name"))
@app_commands.describe(question=L("discord.cmd.ask.question.description"))
async def ask(
    interaction: Interaction, question: app_commands.Range[str, 1, MAX_QUESTION]
) -> None:
    """Answer a free-text question privately."""
    bot = _bot(interaction)
    member, place = bot.who(interaction)
    answer = await bot.in_time(
        interaction, bot.assistant.ask(question, member, place), ephemeral=True
    )
    await bot.send(interaction, answer, ephemeral=True, share=True)


@app_commands.rename(language=L("discord.cmd.language.language.name"))
@app_commands.describe(language=L("discord.cmd.language.language.description"))
async def language(interaction: Interaction, language: str | None = None) -> None:
    """Show the member's language, or save (``auto``: clear) their choice."""
    bot = _bot(interaction)
    member, place = bot.who(interaction)
    if language is None:
        answer = await bot.assistant.language_status(member, place)
    else:
        answer = await bot.assistant.set_language(member, place, language,
                                                  undo=undo_language(bot.core, interaction.locale))
    await bot.send(interaction, answer, ephemeral=True)


def undo_language(core: Core, locale: discord.Locale | str) -> str:
    """How to undo a saved language, as the member's Discord shows the command (in its locale):
    ``/language language: Automatic (follow my messages)``."""
    lang = texts.language_for(core, locale) or "en"
    name, option, auto = (texts.text(core, lang, f"discord.cmd.language.{k}")
                          for k in ("name", "language.name", "auto"))
    return f"/{name} {option}: {auto}"


async def situations_command(interaction: Interaction) -> None:
    """The situations as a menu."""
    bot = _bot(interaction)
    lang = await bot.lang(interaction)
    await bot.send(interaction, bot.core.situation_menu(lang, "situations"), ephemeral=True)


@app_commands.rename(
    situation=L("discord.cmd.pin.situation.name"), language=L("discord.cmd.pin.language.name")
)
@app_commands.describe(
    situation=L("discord.cmd.pin.situation.description"),
    language=L("discord.cmd.pin.language.description"),
)
@app_commands.autocomplete(situation=situation_autocomplete)
@app_commands.guild_only()
@app_commands.default_permissions(pin_messages=True)
async def pin(interaction: Interaction, situation: str, language: str | None = None) -> None:
    """Post a guide in the channel and pin it (moderators)."""
    await _bot(interaction).pin(interaction, situation, language)


async def answer_message(interaction: Interaction, message: discord.Message) -> None:
    """Answer someone's message with the guide, publicly, linking the message answered."""
    bot = _bot(interaction)
    member, place = bot.who(interaction)
    answer = await bot.in_time(
        interaction, bot.assistant.ask(message.content, member, place), ephemeral=False
    )
    if answer.kind in ("notice", "offtopic"):  # nothing worth showing the whole channel
        if interaction.response.is_done():  # deferred publicly: swap for a private message
            await interaction.delete_original_response()
            await interaction.followup.send(
                embeds=bot.embeds.get(answer)[0], view=bot.view_for(answer) or MISSING,
                ephemeral=True, allowed_mentions=discord.AllowedMentions.none(),
            )
            return
        await bot.send(interaction, answer, ephemeral=True)
        return
    await bot.send(interaction, answer, ephemeral=False, content=f"↪ {message.jump_url}")


def build(core: Core) -> list[app_commands.Command[Any, ..., Any] | app_commands.ContextMenu]:
    """Fresh command objects for one tree."""
    lang_choices = language_choices(core)
    auto = app_commands.Choice(name=L("discord.cmd.language.auto"), value="auto")
    guide_cmd: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.guide.name"), description=L("discord.cmd.guide.description"),
        callback=guide,
    )
    ask_cmd: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.ask.name"), description=L("discord.cmd.ask.description"),
        callback=ask,
    )
    language_cmd: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.language.name"), description=L("discord.cmd.language.description"),
        callback=app_commands.choices(language=[*lang_choices, auto])(language),
    )
    situations_cmd: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.situations.name"),
        description=L("discord.cmd.situations.description"),
        callback=situations_command,
    )
    pin_cmd: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=L("discord.cmd.pin.name"), description=L("discord.cmd.pin.description"),
        callback=app_commands.choices(language=lang_choices)(pin),
    )
    menu = app_commands.ContextMenu(name=L("discord.menu.answer"), callback=answer_message)
    return [guide_cmd, ask_cmd, language_cmd, situations_cmd, pin_cmd, menu]
