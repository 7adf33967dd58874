"""Settings: every one is documented in .env.example, with a comment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def test_every_setting_is_in_env_example_with_a_comment() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for name in Settings.model_fields:
        key = name.upper()
        at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}=")), None)
        assert at is not None, f"{key} is missing from .env.example"
        block = []  # the lines above it, up to the blank line before its group
        for line in reversed(lines[:at]):
            if not line.strip():
                break
            block.append(line)
        assert any(line.startswith("#") for line in block), f"{key} has no comment"


@pytest.mark.parametrize(
    "value", ["http://127.0.0.1:9000/gateway", "gateway.example.com", "wss://", "ws://[::1"]
)
def test_a_gateway_url_that_is_not_a_websocket_address_is_one_clear_error(value: str) -> None:
    settings = load_settings(discord_gateway_url=value)
    with pytest.raises(ValueError, match=r"^DISCORD_GATEWAY_URL must be a ws:// or wss://"):
        _ = settings.gateway_url


@pytest.mark.parametrize("value", ["ws://127.0.0.1:9000/gateway", "wss://gateway.example.com/"])
def test_a_websocket_gateway_url_is_taken_as_it_is(value: str) -> None:
    assert load_settings(discord_gateway_url=value).gateway_url == value
    assert load_settings(discord_gateway_url=None).gateway_url is None
