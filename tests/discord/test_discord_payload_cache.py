"""Answers are sent many times: their embeds and components are made into payloads once."""

from __future__ import annotations

import discord

from bot.adapters.discord import embeds, views
from bot.core import situations
from bot.core.answer import Choice
from bot.core.engine import default_core


def test_a_frozen_embed_sends_exactly_what_a_fresh_one_would() -> None:
    core = default_core()
    for s in situations.SITUATIONS:
        for lang in core.languages:
            answer = core.situation(s.id, lang)
            for group in embeds.build(core, answer):
                for embed in group:
                    fresh = discord.Embed.to_dict(embed)  # the library's own, made now
                    assert embed.to_dict() == fresh
                    assert embed.to_dict() is embed.to_dict()  # made once


def test_a_frozen_view_sends_exactly_what_a_fresh_one_would() -> None:
    core = default_core()
    answer = core.situation("buyer-cancel-request", "id")
    share = Choice("share:sb1:id:s:buyer-cancel-request", "Bagikan", "share")
    view = views.answer_view(answer, share=share)
    assert view is not None
    fresh = discord.ui.View.to_components(view)
    assert view.to_components() == fresh and len(fresh) >= 2
    assert view.to_components() is view.to_components()
