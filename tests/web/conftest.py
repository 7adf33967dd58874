"""Fixtures for the dashboard tests: storage, the app, and a signed-in HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from databases import TestDatabases
from web_client import BASE, SECRET

from bot.core.engine import default_core
from bot.storage.sql import SqlRepository
from bot.web.app import create_app


@pytest.fixture
async def repo(tmp_path: Path, databases: TestDatabases) -> AsyncIterator[SqlRepository]:
    async with await databases.open(tmp_path / "web.db", salt="web-tests") as repository:
        yield repository


@pytest.fixture
def web(repo: SqlRepository) -> httpx.AsyncClient:
    app = create_app(default_core(), repo, SECRET)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


# -- a real browser -----------------------------------------------------------------------------
# Playwright's sync API drives Debian's Chromium from one worker thread, started once per
# session; tests hand it steps (``await browser.run(step)``), so the test's event loop stays
# free to serve the pages meanwhile.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


class Browser:
    """One headless Chromium for the session, driven from its own thread."""

    def __init__(self, profile: Path) -> None:
        import concurrent.futures

        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="browser")
        self._pool.submit(self._start, profile).result()

    def _start(self, profile: Path) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

    async def run(self, step: Any) -> Any:
        """Run ``step()`` in the browser's thread and return what it returns."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(self._pool, step)

    def call(self, step: Any) -> Any:
        return self._pool.submit(step).result()

    def close(self) -> None:
        def stop() -> None:
            self.context.close()
            self._playwright.stop()

        self._pool.submit(stop).result()
        self._pool.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A fresh page with no cookies; a screenshot in the test's tmp dir when the test fails."""

    def new() -> Any:
        browser.context.clear_cookies()
        return browser.context.new_page()

    p = browser.call(new)
    try:
        yield p
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            shot = tmp_path / "failure.png"
            browser.call(lambda: p.screenshot(path=str(shot), full_page=True))
            print(f"screenshot of the failure: {shot}")
        browser.call(p.close)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
