"""Shared fixtures: the real core, loaded once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core.engine import Core, default_core

pytest_plugins = ["netguard"]


@pytest.fixture(scope="session")
def core() -> Core:
    return default_core()


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Tests that call ``sellerbot``'s ``main`` in-process install its stderr handler; after the
    test that stream is closed, so pytest's own handlers come back (no "Logging error" later)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def logs_as_run() -> Callable[..., Any]:
    """:func:`bot.logging_setup.setup`, as ``sellerbot`` calls it (undone after the test)."""
    from bot.logging_setup import setup

    return setup
