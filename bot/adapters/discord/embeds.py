"""Answers as Discord embeds, within Discord's limits in every language.

The body is the core's Discord Markdown (member and catalog text already escaped); the title
is escaped here, the footer names the sources (footers show no Markdown, so it stays plain).
"""

from __future__ import annotations

from dataclasses import replace

import discord
from cachetools import LRUCache

from bot.core.answer import Answer, AnswerKind
from bot.core.engine import Core
from bot.core.escaping import discord_markdown
from bot.core.render import split_message

COLOUR = discord.Colour(0x2F855A)

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE = 256
DESCRIPTION = 4096
FOOTER = 2048
TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT = 2000


def clip(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters, with an ellipsis when cut; never a dangling ``\\``."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]
    return cut + "…"


def embed_length(embed: discord.Embed) -> int:
    """Characters that count towards the 6,000 total, as Discord counts them."""
    return len(embed)


def build(core: Core, answer: Answer) -> list[list[discord.Embed]]:
    """The answer as messages of embeds: usually one message with one embed.

    Long answers are split on paragraphs into several embeds (description ≤ 4,096 each), and
    those into several messages when one message would pass 10 embeds or 6,000 characters.
    """
    labels = answer.labels
    if answer.kind == AnswerKind.NOTICE:
        body = discord_markdown(answer.title)
        title = ""
    else:
        body = core.renderer.render(answer, "discord", title=False, sources=False)
        title = clip(discord_markdown(answer.title), TITLE)
    footer = ""
    if answer.sources:
        footer = clip(f"{labels.get('sources', 'Sources')}: {'; '.join(answer.sources)}", FOOTER)

    parts = split_message(body, DESCRIPTION) if body else []
    embeds: list[discord.Embed] = []
    for part in parts or [""]:
        embeds.append(discord.Embed(description=part or None, colour=COLOUR))
    if title:
        embeds[0].title = title
    if footer:
        last = embeds[-1]
        if embed_length(last) + len(footer) > TOTAL:
            last = discord.Embed(colour=COLOUR)
            embeds.append(last)
        last.set_footer(text=footer)
    return _group(embeds)


def _group(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        n = embed_length(embed)
        if messages[-1] and (size + n > TOTAL or len(messages[-1]) >= EMBEDS_PER_MESSAGE):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += n
    return messages


class Embeds:
    """:func:`build` bound to a core, by what the embeds show (guides are static): the Discord
    bench's walk-step, guide and ask throughput need it. Embeds are only read when sent, so
    one built list serves many messages."""

    def __init__(self, core: Core, size: int = 512) -> None:
        self.core = core
        self._built: LRUCache[Answer, list[list[discord.Embed]]] = LRUCache(size)

    def get(self, answer: Answer) -> list[list[discord.Embed]]:
        # The buttons are not in the embeds (only whether there is a "Was this helpful?"),
        # and an asked question's buttons carry its own reference: keyed without them, the
        # answers to /ask share the embeds of their guide.
        key = replace(answer, choices=(), feedback=answer.feedback[:1])
        found = self._built.get(key)
        if found is None:
            found = self._built[key] = build(self.core, answer)
        return found
