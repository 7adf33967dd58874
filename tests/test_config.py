"""Settings: every one is documented in .env.example, with a comment."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings

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
