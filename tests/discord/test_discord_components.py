"""Buttons and select menus: the walk, feedback, share, and custom_ids after a restart."""

from __future__ import annotations

from typing import Any

import dc_factory as factory
from dc_harness import T, ephemeral, ids, reply, sent, start_bot
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot
from bot.assistant import Assistant
from bot.core.engine import default_core
from bot.storage import SqliteRepository


async def test_walk_edits_the_private_message_in_place(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    msg = await sent(bot, inject, standin, factory.slash("guide", locale="id"))
    assert msg["flags"] & 64
    kind, data = reply(await inject(bot, factory.component(msg, "sb1:id:w:buyer", locale="id")))
    assert kind == 7  # UPDATE_MESSAGE: the same ephemeral message shows the next step
    assert data["embeds"][0]["title"] == T("id", "flow.why.question")
    assert "sb1:id:w:buyer.mistake" in ids(data) and "sb1:id:w:" in ids(data)  # and Back
    msg = standin.messages[int(msg["id"])]
    kind, data = reply(await inject(bot, factory.component(msg, "sb1:id:w:buyer.mistake")))
    assert kind == 7
    assert data["embeds"][0]["title"] == T("id", "ordered-by-mistake.title")
    assert "sbd1:share:sb1:id:s:ordered-by-mistake" in ids(data)


async def test_select_menu_opens_a_situation(bot: SellerBot, inject: Any, standin: StandIn) -> None:
    msg = await sent(bot, inject, standin, factory.slash("situations", where="dm", locale="nl"))
    token = factory.options_of(msg, "sbd1:menu")[1]
    kind, data = reply(
        await inject(bot, factory.component(msg, "sbd1:menu", [token], where="dm", locale="nl"))
    )
    assert kind == 7
    assert data["embeds"][0]["title"] == T("nl", f"{token.split(':')[-1]}.title")


async def test_button_on_a_public_message_answers_privately(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    share = next(i for i in factory.custom_ids(guide) if i.startswith("sbd1:share:"))
    public = await sent(bot, inject, standin, factory.component(guide, share))
    related = "sb1:en:s:ordered-by-mistake"
    kind, data = reply(await inject(bot, factory.component(public, related, user_id=42)))
    assert kind == 4 and ephemeral(data)  # a new private message, the public one is untouched
    assert data["embeds"][0]["title"] == T("en", "ordered-by-mistake.title")


async def test_share_posts_the_same_guide_publicly(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    guide = await sent(
        bot,
        inject,
        standin,
        factory.slash("guide", {"situation": "unhappy-with-delivery"}, locale="nl"),
    )
    share = "sbd1:share:sb1:nl:s:unhappy-with-delivery"
    assert share in factory.custom_ids(guide)
    label = next(
        c["label"] for r in guide["components"] for c in r["components"] if c["custom_id"] == share
    )
    assert label == "Delen in kanaal"
    kind, data = reply(await inject(bot, factory.component(guide, share, locale="nl")))
    assert kind == 4 and not ephemeral(data)
    assert data["embeds"] == guide["embeds"]
    assert share not in ids(data)
    assert "sb1:nl:f:unhappy-with-delivery.1" in ids(data)


async def test_feedback_is_stored_per_message_and_changeable(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    kind, data = reply(await inject(bot, factory.component(guide, "sb1:en:f:seller-cancel.1")))
    assert kind == 4 and ephemeral(data)
    assert data["embeds"][0]["description"] == T("en", "ui.helpful.thanks").replace("!", "!")
    await inject(bot, factory.component(guide, "sb1:en:f:seller-cancel.0"))  # changes the vote
    other = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    await inject(bot, factory.component(other, "sb1:en:f:seller-cancel.1"))
    summary = await repo.feedback_summary(platform="discord")
    assert [(s.situation, s.lang, s.helpful, s.not_helpful) for s in summary] == [
        ("seller-cancel", "en", 1, 1)
    ]
    summary = await repo.feedback_summary(platform="discord", chat_id=str(factory.GUILD_ID))
    assert summary and summary[0].total == 2


async def test_buttons_work_after_a_restart_and_stale_ones_get_a_notice(
    standin: StandIn, inject: Any, tmp_path: Any
) -> None:
    path = tmp_path / "restart.db"
    repo1 = await SqliteRepository.open(path)
    first = await start_bot(Assistant(default_core(), repo1))
    msg = await sent(first, inject, standin, factory.slash("guide"))
    await first.close()
    await repo1.close()

    repo2 = await SqliteRepository.open(path)
    second = await start_bot(Assistant(default_core(), repo2))  # a new process, nothing in memory
    try:
        kind, data = reply(await inject(second, factory.component(msg, "sb1:en:w:me")))
        assert kind == 7
        assert data["embeds"][0]["title"] == T("en", "seller-cancel.title")

        # A path that is no longer in the decision graph, an old id scheme, a forged token.
        for custom_id in (
            "sb1:en:w:who.gone.away",
            "step:who:buyer",
            "sb1:xx:q:<script>",
            "sbd1:share:sb1:en:s:no-such-situation",
            "x" * 100,
        ):
            old = dict(
                msg,
                components=[
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "Old", "custom_id": custom_id}
                        ],
                    }
                ],
            )
            calls = await inject(second, factory.component(old, custom_id))
            kind, data = reply(calls)
            assert kind == 4 and ephemeral(data), custom_id
            assert T("en", "ui.stale") in data["embeds"][0]["description"].replace("\\", "")
            assert "sb1:en:w:buyer" in ids(data)  # and a fresh menu
    finally:
        await second.close()
        await repo2.close()


async def test_stale_select_value_gets_a_notice(
    bot: SellerBot, inject: Any, standin: StandIn
) -> None:
    msg = await sent(bot, inject, standin, factory.slash("situations", locale="id"))
    kind, data = reply(
        await inject(
            bot, factory.component(msg, "sbd1:menu", ["sb1:id:s:removed-situation"], locale="id")
        )
    )
    assert kind == 4 and ephemeral(data)
    assert T("id", "ui.stale").split()[0] in data["embeds"][0]["description"]
