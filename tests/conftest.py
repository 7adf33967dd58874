"""Shared fixtures: the real core, loaded once."""

from __future__ import annotations

import pytest

from bot.core.engine import Core, default_core


@pytest.fixture(scope="session")
def core() -> Core:
    return default_core()
