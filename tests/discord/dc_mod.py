"""Helpers for the moderator tests: pinning through /pin, ageing pins, reading replies."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
from dc_harness import reply
from dc_standin import PIN_MESSAGES, StandIn

from bot.adapters.discord.client import SellerBot
from bot.storage import Repository

GUILD = str(factory.GUILD_ID)
CH = factory.CHANNEL_ID


async def pin_guide(
    bot: SellerBot,
    inject: Any,
    standin: StandIn,
    situation: str,
    *,
    channel: int = CH,
    lang: str = "en",
) -> int:
    """Pin a guide with /pin as a moderator; return the pinned message's id."""
    standin.bot_permissions[channel] = PIN_MESSAGES
    payload = factory.slash("pin", {"situation": situation, "language": lang}, moderator=True)
    payload["channel_id"] = payload["channel"]["id"] = str(channel)
    calls = await inject(bot, payload)
    reply(calls)
    mid = int(calls[0].response["interaction"]["response_message_id"])
    assert mid in standin.pins[channel]
    return mid


async def age_pins(repo: Repository, version: str = "old-guidance") -> None:
    """Pretend every recorded pin shows an older version of the guidance."""
    for pin in await repo.list_pins("discord"):
        await repo.update_pin_version(pin.platform, pin.chat_id, pin.message_id, version)


def text_of(data: dict[str, Any]) -> str:
    """Everything a member reads in a reply: content, embed titles, descriptions, fields."""
    parts = [data.get("content") or ""]
    for e in data.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        for f in e.get("fields") or []:
            parts += [f["name"], f["value"]]
    return "\n".join(parts)


def patches(standin: StandIn) -> list[Any]:
    return standin.find("PATCH", r"^/api/v10/channels/\d+/messages/\d+$")


def forged(message: dict[str, Any], custom_id: str, **kw: Any) -> dict[str, Any]:
    """A press of a button carrying ``custom_id`` on ``message`` (as a modified client sends)."""
    old = dict(
        message,
        components=[
            {
                "type": 1,
                "components": [{"type": 2, "style": 1, "label": "Forged", "custom_id": custom_id}],
            }
        ],
    )
    return factory.component(old, custom_id, **kw)
