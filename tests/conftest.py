"""Shared fixtures: the real core, loaded once; one real PostgreSQL server per session."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from databases import TestDatabases, engine
from pg import PostgresServer

from bot.core.engine import Core, default_core

pytest_plugins = ["netguard"]


@pytest.fixture(scope="session")
def core() -> Core:
    return default_core()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (fails, never skips, when missing)."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest) -> TestDatabases:
    """Opens the tests' storage on SQLite, or on PostgreSQL (``SELLERBOT_TEST_DATABASE``)."""
    if engine() == "postgresql":
        return TestDatabases(request.getfixturevalue("postgres"))
    return TestDatabases(None)


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``SELLERBOT_TEST_DATABASE=postgresql``, run the tests whose storage follows it
    (those using the ``databases`` fixture); the rest do not touch it, and ``tests/storage``
    runs on both engines in every run already."""
    if engine() != "postgresql":
        return
    storage = Path(__file__).parent / "storage"
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        follows = "databases" in getattr(item, "fixturenames", ())
        (keep if follows and storage not in item.path.parents else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
