"""Localised command names, descriptions and choices, through discord.py's Translator."""

from __future__ import annotations

from discord import Locale, app_commands

from bot.adapters.discord import texts
from bot.core.engine import Core


class CatalogTranslator(app_commands.Translator):
    """Translates ``locale_str`` values that carry a ``key`` (or, for a language choice, a
    ``language``), for every locale the core speaks.

    discord.py calls :meth:`translate` once per string and Discord locale when the command
    tree is synced (never per interaction). Locales without a matching core language get None,
    so Discord shows the default (English) text there.
    """

    def __init__(self, core: Core) -> None:
        self.core = core

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key, language = string.extras.get("key"), string.extras.get("language")
        if not (key or language):
            return None
        lang = texts.language_for(self.core, locale)
        if lang is None:
            return None
        if language:  # a language choice (texts.language_choices)
            return self.core.catalogs.language_label(str(language), lang)
        return texts.lookup(self.core, lang, str(key))
