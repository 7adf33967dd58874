# ruff: noqa: E501  (translated sentences are kept on one line each)
"""Interface text only Discord needs: command names and descriptions, share and pin messages.

Every text is looked up in the core's catalogs first, under the same key, so moving the table
below into ``locales/*/LC_MESSAGES/sellerbot.po`` needs no code change; until then the table
is the fallback. Command and option names must match Discord's naming rules in every language
(lowercase, no spaces, at most 32 characters); the tests check the whole synced payload.
"""

from __future__ import annotations

from discord import Locale, app_commands

from bot.core.engine import Core
from bot.core.language import match_locale

#: Discord-only interface text, by language and catalog-style key.
TABLE: dict[str, dict[str, str]] = {
    "en": {
        "discord.cmd.guide.name": "guide",
        "discord.cmd.guide.description": "Walk through a few questions, or open the guide for a situation",
        "discord.cmd.guide.situation.name": "situation",
        "discord.cmd.guide.situation.description": "The situation to open (leave empty to answer a few questions)",
        "discord.cmd.ask.name": "ask",
        "discord.cmd.ask.description": "Ask about a cancellation or a delivery, in your own words",
        "discord.cmd.ask.question.name": "question",
        "discord.cmd.ask.question.description": "Your question",
        "discord.cmd.language.name": "language",
        "discord.cmd.language.description": "See or choose the language I answer you in",
        "discord.cmd.language.language.name": "language",
        "discord.cmd.language.language.description": "The language to use from now on",
        "discord.cmd.language.auto": "Automatic (follow my messages)",
        "discord.cmd.situations.name": "situations",
        "discord.cmd.situations.description": "List the situations I can help with",
        "discord.cmd.pin.name": "pin",
        "discord.cmd.pin.description": "Post the guide for a situation in this channel and pin it (moderators)",
        "discord.cmd.pin.situation.name": "situation",
        "discord.cmd.pin.situation.description": "The situation to pin",
        "discord.cmd.pin.language.name": "language",
        "discord.cmd.pin.language.description": "Language of the pinned guide (default: the server's)",
        "discord.menu.answer": "Answer with the guide",
        "discord.share": "Share in channel",
        "discord.pin.need_permission": "You need the Pin Messages permission to do this.",
        "discord.pin.bot_permission": "I can't pin messages here. Please grant me the Pin Messages permission in this channel.",
        "discord.pin.failed": "I couldn't pin that message. Check that I have the Pin Messages permission here and that this channel has fewer than 250 pinned messages.",
        "discord.pin.pick": "Which situation should I pin?",
        "discord.guild_only": "This only works in a server.",
    },
    "id": {
        "discord.cmd.guide.name": "panduan",
        "discord.cmd.guide.description": "Jawab beberapa pertanyaan, atau buka panduan untuk suatu situasi",
        "discord.cmd.guide.situation.name": "situasi",
        "discord.cmd.guide.situation.description": "Situasi yang ingin dibuka (kosongkan untuk menjawab beberapa pertanyaan)",
        "discord.cmd.ask.name": "tanya",
        "discord.cmd.ask.description": "Tanyakan soal pembatalan atau pengiriman dengan kata-katamu sendiri",
        "discord.cmd.ask.question.name": "pertanyaan",
        "discord.cmd.ask.question.description": "Pertanyaanmu",
        "discord.cmd.language.name": "bahasa",
        "discord.cmd.language.description": "Lihat atau pilih bahasa yang saya pakai untuk menjawabmu",
        "discord.cmd.language.language.name": "bahasa",
        "discord.cmd.language.language.description": "Bahasa yang dipakai mulai sekarang",
        "discord.cmd.language.auto": "Otomatis (ikuti pesanku)",
        "discord.cmd.situations.name": "situasi",
        "discord.cmd.situations.description": "Daftar situasi yang bisa saya bantu",
        "discord.cmd.pin.name": "sematkan",
        "discord.cmd.pin.description": "Kirim panduan suatu situasi ke channel ini lalu sematkan (moderator)",
        "discord.cmd.pin.situation.name": "situasi",
        "discord.cmd.pin.situation.description": "Situasi yang ingin disematkan",
        "discord.cmd.pin.language.name": "bahasa",
        "discord.cmd.pin.language.description": "Bahasa panduan yang disematkan (bawaan: bahasa server)",
        "discord.menu.answer": "Jawab dengan panduan",
        "discord.share": "Bagikan di channel",
        "discord.pin.need_permission": "Kamu perlu izin Sematkan Pesan (Pin Messages) untuk melakukan ini.",
        "discord.pin.bot_permission": "Saya tidak bisa menyematkan pesan di sini. Berikan saya izin Sematkan Pesan (Pin Messages) di channel ini.",
        "discord.pin.failed": "Saya tidak bisa menyematkan pesan itu. Pastikan saya punya izin Sematkan Pesan di sini dan channel ini punya kurang dari 250 pesan yang disematkan.",
        "discord.pin.pick": "Situasi mana yang perlu saya sematkan?",
        "discord.guild_only": "Ini hanya bisa dipakai di server.",
    },
    "nl": {
        "discord.cmd.guide.name": "gids",
        "discord.cmd.guide.description": "Beantwoord een paar vragen, of open de gids voor een situatie",
        "discord.cmd.guide.situation.name": "situatie",
        "discord.cmd.guide.situation.description": "De situatie om te openen (leeg laten om een paar vragen te beantwoorden)",
        "discord.cmd.ask.name": "vraag",
        "discord.cmd.ask.description": "Stel in je eigen woorden een vraag over een annulering of levering",
        "discord.cmd.ask.question.name": "vraag",
        "discord.cmd.ask.question.description": "Je vraag",
        "discord.cmd.language.name": "taal",
        "discord.cmd.language.description": "Bekijk of kies de taal waarin ik je antwoord",
        "discord.cmd.language.language.name": "taal",
        "discord.cmd.language.language.description": "De taal die ik vanaf nu gebruik",
        "discord.cmd.language.auto": "Automatisch (volg mijn berichten)",
        "discord.cmd.situations.name": "situaties",
        "discord.cmd.situations.description": "Bekijk de situaties waarmee ik kan helpen",
        "discord.cmd.pin.name": "vastmaken",
        "discord.cmd.pin.description": "Plaats de gids voor een situatie in dit kanaal en maak hem vast (moderators)",
        "discord.cmd.pin.situation.name": "situatie",
        "discord.cmd.pin.situation.description": "De situatie om vast te maken",
        "discord.cmd.pin.language.name": "taal",
        "discord.cmd.pin.language.description": "Taal van de vastgemaakte gids (standaard: die van de server)",
        "discord.menu.answer": "Beantwoorden met de gids",
        "discord.share": "Delen in kanaal",
        "discord.pin.need_permission": "Je hebt de machtiging Berichten vastmaken (Pin Messages) nodig om dit te doen.",
        "discord.pin.bot_permission": "Ik kan hier geen berichten vastmaken. Geef me de machtiging Berichten vastmaken (Pin Messages) in dit kanaal.",
        "discord.pin.failed": "Ik kon dat bericht niet vastmaken. Controleer of ik hier de machtiging Berichten vastmaken heb en of dit kanaal minder dan 250 vastgemaakte berichten heeft.",
        "discord.pin.pick": "Welke situatie moet ik vastmaken?",
        "discord.guild_only": "Dit werkt alleen in een server.",
    },
}  # fmt: skip

FALLBACK = "en"


def text(core: Core, lang: str, key: str) -> str:
    """The text for ``key`` in ``lang``: from the catalogs if they have it, else the table.

    Falls back to English, then to the key itself, so a missing text never raises.
    """
    if core.catalogs.has(lang, key):
        return core.t(lang, key)
    found = TABLE.get(lang, {}).get(key)
    if found:
        return found
    if core.catalogs.has(FALLBACK, key):
        return core.t(FALLBACK, key)
    return TABLE[FALLBACK].get(key, key)


def lookup(core: Core, lang: str, key: str) -> str | None:
    """The text for ``key`` in exactly ``lang``, or None (no English fallback)."""
    if core.catalogs.has(lang, key):
        return core.t(lang, key)
    return TABLE.get(lang, {}).get(key)


def language_for(core: Core, locale: Locale | str) -> str | None:
    """The core language for a Discord locale (``en-GB`` → ``en``), or None if we have none."""
    return match_locale(str(locale), core.languages)


def L(key: str) -> app_commands.locale_str:
    """A translatable command string: English as the default, ``key`` for the translator."""
    return app_commands.locale_str(TABLE[FALLBACK][key], key=key)
