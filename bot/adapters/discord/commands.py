"""Slash commands and the message context menu. Each one is a thin call into the assistant.

Commands are built fresh for every tree by :func:`build`, given the client they call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.utils import MISSING

from bot.adapters.discord import texts
from bot.adapters.discord.texts import L, language_choices
from bot.core import matching
from bot.core.answer import AnswerKind
from bot.core.engine import MAX_QUESTION, Core

if TYPE_CHECKING:
    from bot.adapters.discord.client import SellerBot

Interaction = discord.Interaction[Any]


# -- situation lookup -------------------------------------------------------------------
async def resolve(bot: SellerBot, interaction: Interaction, value: str | None) -> str | None:
    """A situation id from an option: the id itself (autocomplete), else the best title match
    in the member's language."""
    return matching.resolve(bot.core, await bot.lang(interaction), value)


async def situation_choices(
    bot: SellerBot, interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Up to 25 situations matching what the member typed, in the member's language."""
    lang = await bot.lang(interaction)
    return [
        app_commands.Choice(name=title[:100], value=sid)
        for sid, title in matching.rank(bot.core, lang, current)
    ]


def undo_language(core: Core, locale: discord.Locale | str) -> str:
    """How to undo a saved language, as the member's Discord shows the command (in its locale):
    ``/language language: Automatic (follow my messages)``."""
    lang = texts.language_for(core, locale) or "en"
    name, option, auto = (
        texts.text(core, lang, f"discord.cmd.language.{k}")
        for k in ("name", "language.name", "auto")
    )
    return f"/{name} {option}: {auto}"


# -- the commands -----------------------------------------------------------------------
def build(bot: SellerBot) -> list[app_commands.Command[Any, ..., Any] | app_commands.ContextMenu]:
    """Fresh command objects for one tree, each calling ``bot`` (passed in, not looked up on
    the interaction)."""
    lang_choices = language_choices(bot.core.catalogs)
    auto = app_commands.Choice(name=L("discord.cmd.language.auto"), value="auto")

    async def situations_autocomplete(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await situation_choices(bot, interaction, current)

    @app_commands.command(
        name=L("discord.cmd.guide.name"), description=L("discord.cmd.guide.description")
    )
    @app_commands.rename(situation=L("discord.cmd.guide.situation.name"))
    @app_commands.describe(situation=L("discord.cmd.guide.situation.description"))
    @app_commands.autocomplete(situation=situations_autocomplete)
    async def guide(interaction: Interaction, situation: str | None = None) -> None:
        """Walk the decision steps, or open the situation chosen in the option."""
        member, place = bot.who(interaction)

        async def work() -> Any:
            lang = await bot.assistant.language(member, place)
            sid = matching.resolve(bot.core, lang, situation)
            if sid is None:
                return await bot.assistant.start_walk(member, place, lang)
            return await bot.assistant.situation(sid, member, place, lang)

        answer = await bot.in_time(interaction, work(), ephemeral=True)
        await bot.send(interaction, answer, ephemeral=True, share=True)

    @app_commands.command(
        name=L("discord.cmd.ask.name"), description=L("discord.cmd.ask.description")
    )
    @app_commands.rename(question=L("discord.cmd.ask.question.name"))
    @app_commands.describe(question=L("discord.cmd.ask.question.description"))
    async def ask(
        interaction: Interaction, question: app_commands.Range[str, 1, MAX_QUESTION]
    ) -> None:
        """Answer a free-text question privately."""
        member, place = bot.who(interaction)
        answer = await bot.in_time(
            interaction, bot.assistant.ask(question, member, place), ephemeral=True
        )
        await bot.send(interaction, answer, ephemeral=True, share=True)

    @app_commands.command(
        name=L("discord.cmd.language.name"), description=L("discord.cmd.language.description")
    )
    @app_commands.rename(language=L("discord.cmd.language.language.name"))
    @app_commands.describe(language=L("discord.cmd.language.language.description"))
    @app_commands.choices(language=[*lang_choices, auto])
    async def language(interaction: Interaction, language: str | None = None) -> None:
        """Show the member's language, or save (``auto``: clear) their choice."""
        member, place = bot.who(interaction)
        if language is None:
            answer = await bot.assistant.language_status(member, place)
        else:
            answer = await bot.assistant.set_language(
                member, place, language, undo=undo_language(bot.core, interaction.locale)
            )
        await bot.send(interaction, answer, ephemeral=True)

    @app_commands.command(
        name=L("discord.cmd.situations.name"), description=L("discord.cmd.situations.description")
    )
    async def situations(interaction: Interaction) -> None:
        """The situations as a menu."""
        lang = await bot.lang(interaction)
        await bot.send(interaction, bot.core.situation_menu(lang, "situations"), ephemeral=True)

    @app_commands.command(
        name=L("discord.cmd.pin.name"), description=L("discord.cmd.pin.description")
    )
    @app_commands.rename(
        situation=L("discord.cmd.pin.situation.name"), language=L("discord.cmd.pin.language.name")
    )
    @app_commands.describe(
        situation=L("discord.cmd.pin.situation.description"),
        language=L("discord.cmd.pin.language.description"),
    )
    @app_commands.autocomplete(situation=situations_autocomplete)
    @app_commands.choices(language=lang_choices)
    @app_commands.guild_only()
    @app_commands.default_permissions(pin_messages=True)
    async def pin(interaction: Interaction, situation: str, language: str | None = None) -> None:
        """Post a guide in the channel and pin it (moderators)."""
        await bot.pin(interaction, situation, language)

    async def answer_message(interaction: Interaction, message: discord.Message) -> None:
        """Answer someone's message with the guide, publicly, linking the message answered."""
        member, place = bot.who(interaction)
        answer = await bot.in_time(
            interaction, bot.assistant.ask(message.content, member, place), ephemeral=False
        )
        if answer.kind in (
            AnswerKind.NOTICE,
            AnswerKind.OFFTOPIC,
        ):  # nothing worth showing the whole channel
            if interaction.response.is_done():  # deferred publicly: swap for a private message
                await interaction.delete_original_response()
                await interaction.followup.send(
                    embeds=bot.embeds.get(answer)[0],
                    view=bot.view_for(answer) or MISSING,
                    ephemeral=True,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
                return
            await bot.send(interaction, answer, ephemeral=True)
            return
        await bot.send(interaction, answer, ephemeral=False, content=f"↪ {message.jump_url}")

    menu = app_commands.ContextMenu(name=L("discord.menu.answer"), callback=answer_message)
    return [guide, ask, language, situations, pin, menu]
