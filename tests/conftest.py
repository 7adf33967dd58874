"""Shared fixtures: the real core, loaded once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core.engine import Core, default_core


@pytest.fixture(scope="session")
def core() -> Core:
    return default_core()


@pytest.fixture
def logs_as_run() -> Iterator[Callable[..., Any]]:
    """:func:`bot.logging_setup.setup`, as ``sellerbot`` calls it; pytest's own log handlers
    are back after the test."""
    from bot.logging_setup import setup

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield setup
    root.handlers[:] = handlers
    root.setLevel(level)
