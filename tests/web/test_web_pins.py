"""The pins page refreshes and unpins a group's pinned answers through the running Telegram
adapter; alone, the web can only list and forget them."""

from __future__ import annotations

import httpx
from tg_standin import TOKEN, BotApiStandIn, chat_json
from web_client import BASE, SECRET, sign_in

from bot.adapters.telegram.app import build_application, handlers_of
from bot.adapters.telegram.ratelimit import RetryingRateLimiter
from bot.assistant import Assistant
from bot.core.engine import default_core
from bot.storage.sql import SqlRepository
from bot.web.app import create_app

GROUP = -1001234567890


async def test_refresh_edits_the_outdated_pin_in_place_when_the_bot_runs(
    repo: SqlRepository,
) -> None:
    standin = BotApiStandIn()
    await standin.start()
    standin.messages[(GROUP, 77)] = {
        "message_id": 77, "text": "old", "from": standin.me,
        "chat": chat_json(GROUP), "date": 1763790000,
    }  # fmt: skip
    standin.pinned.append((GROUP, 77))
    await repo.record_pin("telegram", str(GROUP), "77", "seller-cancel", "en", "old-version")
    core = default_core()
    app = build_application(
        Assistant(core, repo), TOKEN, base_url=standin.base_url,
        rate_limiter=RetryingRateLimiter(backoff=0.01),
    )  # fmt: skip
    await app.initialize()
    community = handlers_of(app).community
    surfaces = {"telegram": lambda chat_id: community.pin_surface(app.bot, chat_id)}
    try:
        # without the bot running, the page says refreshing needs it
        alone = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(core, repo, SECRET)), base_url=BASE
        )
        await sign_in(alone, repo, "telegram", str(GROUP))
        page = (await alone.get("/pins")).text
        assert 'id="needs-bot"' in page and 'value="pins-refresh"' not in page
        assert 'value="pin-unpin"' not in page

        web = httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=create_app(core, repo, SECRET, pin_surfaces=surfaces)
            ),
            base_url=BASE,
        )
        csrf = await sign_in(web, repo, "telegram", str(GROUP))
        assert 'value="pins-refresh"' in (await web.get("/pins")).text
        done = await web.post("/act", data={"do": "pins-refresh", "csrf": csrf})
        assert done.status_code == 303 and done.headers["location"] == "/pins?done=1"
        [edit] = standin.calls_to("editMessageText")
        assert (int(edit["chat_id"]), int(edit["message_id"])) == (GROUP, 77)
        assert core.t("en", "seller-cancel.title") in standin.messages[(GROUP, 77)]["text"]
        [record] = await repo.list_pins("telegram")
        assert record.content_version == core.content_version
        actions = await repo.list_actions("telegram", str(GROUP))
        assert "pins.refresh" in [a.action for a in actions]

        # unpin: the message is unpinned in the group and the pin forgotten
        standin.make_admin(GROUP, standin.me["id"], can_pin_messages=True)
        assert 'value="pin-unpin"' in (await web.get("/pins")).text
        done = await web.post("/act", data={"do": "pin-unpin", "message": "77", "csrf": csrf})
        assert done.status_code == 303 and done.headers["location"] == "/pins?unpinned=removed"
        assert (GROUP, 77) not in standin.pinned
        assert await repo.list_pins("telegram") == []
        page = (await web.get("/pins?unpinned=removed")).text
        assert core.t("en", "web.pins.unpinned.removed") in page
    finally:
        await app.shutdown()
        await standin.stop()
