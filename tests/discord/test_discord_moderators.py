"""/mod: server language, notes in a modal form, stats as an embed, the action log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dc_factory as factory
from dc_harness import T, ephemeral, reply, sent, start_bot
from dc_mod import GUILD, text_of
from dc_standin import StandIn

from bot.adapters.discord.client import SellerBot
from bot.core.catalogs import shared
from bot.moderation import tokens
from bot.moderation.stats import community_stats
from bot.storage import SqliteRepository

OTHER_GUILD = 700000000000000002


def mod_text(lang: str, key: str, **kw: Any) -> str:
    return shared().gettext(lang, f"mod.{key}", **kw)


async def test_server_language_and_follow_each_member(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    _, data = reply(
        await inject(bot, factory.subcommand("mod", "language", {"language": "id"}, moderator=True))
    )
    assert ephemeral(data) and text_of(data) == "Bahasa komunitas ini sekarang Indonesia."
    assert (await repo.get_community("discord", GUILD)).default_lang == "id"  # type: ignore[union-attr]
    _, data = reply(
        await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}, locale="nl"))
    )
    assert data["embeds"][0]["title"] == T("id", "seller-cancel.title")
    # Another server is not affected.
    _, data = reply(
        await inject(
            bot,
            factory.slash(
                "guide", {"situation": "seller-cancel"}, locale="nl", guild_id=OTHER_GUILD
            ),
        )
    )
    assert data["embeds"][0]["title"] == T("nl", "seller-cancel.title")
    _, data = reply(
        await inject(
            bot, factory.subcommand("mod", "language", {"language": "auto"}, moderator=True)
        )
    )
    assert mod_text("en", "lang.community_follow") in text_of(data).replace("\\", "")
    _, data = reply(
        await inject(bot, factory.slash("guide", {"situation": "seller-cancel"}, locale="nl"))
    )
    assert data["embeds"][0]["title"] == T("nl", "seller-cancel.title")
    assert [a.action for a in await repo.list_actions("discord", GUILD)] == [
        "language.set",
        "language.set",
    ]


async def test_note_form_save_show_edit_remove(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    calls = await inject(
        bot, factory.subcommand("mod", "note", {"situation": "seller-cancel"}, moderator=True)
    )
    cb = calls[0].body
    assert cb["type"] == 9
    modal = cb["data"]
    assert modal["custom_id"] == "sbd1:note:seller-cancel"
    field = modal["components"][0]["components"][0]
    assert field["max_length"] == 300 and "value" not in field
    note = "Post disputes in #help-desk *now* @everyone <@&1>"
    _, data = reply(
        await inject(bot, factory.modal_submit(modal["custom_id"], {"note": note}, moderator=True))
    )
    assert ephemeral(data) and "Note saved" in text_of(data)
    assert await repo.get_note("discord", GUILD, "seller-cancel") == note
    # Shown under that guide in this server only, escaped.
    _, data = reply(await inject(bot, factory.slash("guide", {"situation": "seller-cancel"})))
    body = data["embeds"][0]["description"]
    assert "\\#help-desk" in body and "\\*now\\*" in body
    assert "@everyone" not in body and "<@&1>" not in body
    for elsewhere in (
        factory.slash("guide", {"situation": "seller-cancel"}, guild_id=OTHER_GUILD),
        factory.slash("guide", {"situation": "seller-cancel"}, where="dm"),
        factory.slash("guide", {"situation": "general-advice"}),
    ):
        _, data = reply(await inject(bot, elsewhere))
        assert "help-desk" not in data["embeds"][0]["description"]
    # Editing: the form opens with the current note.
    calls = await inject(
        bot, factory.subcommand("mod", "note", {"situation": "seller-cancel"}, moderator=True)
    )
    assert calls[0].body["data"]["components"][0]["components"][0]["value"] == note
    # Listed, with edit and remove buttons.
    listing = await sent(bot, inject, standin, factory.subcommand("mod", "notes", moderator=True))
    assert "help\\-desk" in text_of(listing) or "help-desk" in text_of(listing)
    remove = tokens.moderator("en", "note-rm", "seller-cancel")
    assert factory.custom_ids(listing) == ["sbd1:note-edit:seller-cancel", remove]
    calls = await inject(
        bot, factory.component(listing, "sbd1:note-edit:seller-cancel", moderator=True)
    )
    assert calls[0].body["type"] == 9
    _, data = reply(await inject(bot, factory.component(listing, remove, moderator=True)))
    assert "Note removed" in text_of(data)
    assert await repo.get_note("discord", GUILD, "seller-cancel") is None
    assert [a.action for a in await repo.list_actions("discord", GUILD)] == [
        "note.remove",
        "note.set",
    ]


async def test_note_too_long_or_unknown_situation_is_refused(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    _, data = reply(
        await inject(
            bot,
            factory.modal_submit("sbd1:note:seller-cancel", {"note": "x" * 301}, moderator=True),
        )
    )
    assert "too long" in text_of(data)
    _, data = reply(
        await inject(
            bot, factory.subcommand("mod", "note", {"situation": "zzzzqqq"}, moderator=True)
        )
    )
    assert ephemeral(data)
    _, data = reply(
        await inject(
            bot, factory.modal_submit("sbd1:note:no-such-thing", {"note": "hi"}, moderator=True)
        )
    )
    assert "no\\-such\\-thing" in text_of(data) or "no-such-thing" in text_of(data)
    assert not await repo.list_notes("discord", GUILD)


async def test_stats_embed_matches_recorded_events(
    bot: SellerBot, inject: Any, standin: StandIn, repo: SqliteRepository
) -> None:
    questions = [
        "my buyer wants to cancel the order",
        "buyer asks to cancel, what now",
        "pembeli minta batal pesanan",
        "qwerty zxcvb",
    ]
    for q in questions:
        await inject(bot, factory.slash("ask", {"question": q}))
    await inject(
        bot, factory.slash("ask", {"question": "buyer wants to cancel"}, guild_id=OTHER_GUILD)
    )  # another server: not counted
    guide = await sent(bot, inject, standin, factory.slash("guide", {"situation": "seller-cancel"}))
    for user, vote in ((1, "1"), (2, "1"), (3, "0")):
        await inject(
            bot,
            factory.component(
                guide, f"sb1:en:f:seller-cancel.{vote}", user_id=800000000000000100 + user
            ),
        )
    await bot.preferences.flush()
    expected = await community_stats(repo, "discord", GUILD, datetime.now(UTC))
    assert [(h.situation, h.helpful, h.not_helpful) for h in expected.helpful] == [
        ("seller-cancel", 2, 1)
    ]
    _, data = reply(await inject(bot, factory.subcommand("mod", "stats", moderator=True)))
    assert ephemeral(data)
    embed = data["embeds"][0]
    assert embed["title"] == mod_text("en", "stats.title")
    week = embed["fields"][0]
    assert week["name"].endswith(mod_text("en", "stats.total", count=4))
    assert expected.windows[0].total == 4
    for sid, n in expected.windows[0].by_situation:
        title = T("en", f"{sid}.title") if sid else mod_text("en", "stats.not_placed")
        assert f"{title}: {n}" in week["value"].replace("\\", "")
    for code, n in expected.windows[0].by_language:
        assert f": {n}" in week["value"]
        assert code in {"en", "id", "nl"}
    helpful = embed["fields"][2]
    assert helpful["name"] == mod_text("en", "stats.helpful", days=30)
    assert "2 of 3 helpful (67%)" in helpful["value"].replace("\\", "")
    unrouted = embed["fields"][-1]
    assert "qwerty zxcvb (1×)" in unrouted["value"]
    assert "ayu" not in str(embed).lower()  # no member identities


async def test_action_log_lists_who_did_what(
    bot: SellerBot, inject: Any, repo: SqliteRepository
) -> None:
    _, data = reply(await inject(bot, factory.subcommand("mod", "log", moderator=True)))
    assert mod_text("en", "log.none") in text_of(data)
    await inject(
        bot,
        factory.subcommand(
            "mod", "language", {"language": "nl"}, moderator=True, user_id=800000000000000007
        ),
    )
    _, data = reply(await inject(bot, factory.subcommand("mod", "log", moderator=True)))
    body = data["embeds"][0]["description"]
    # who (a mention that pings nobody), what (named in the reader's language: the server's
    # language is now Dutch), when (a timestamp in each reader's own time zone)
    assert "<@800000000000000007>" in body and "<t:" in body
    assert mod_text("nl", "log.action.language.set") in body
    assert data["allowed_mentions"] == {"parse": []}


async def test_slow_stats_are_deferred_then_shown(
    standin: StandIn, inject: Any, assistant: Any
) -> None:
    slow = await start_bot(assistant, defer_after=0.0)
    try:
        calls = await inject(slow, factory.subcommand("mod", "stats", moderator=True))
    finally:
        await slow.close()
    kind, data = reply(calls)
    assert kind == 5 and ephemeral(data)
    (edit,) = [c for c in calls if c.method == "PATCH" and c.path.endswith("/@original")]
    assert edit.body["embeds"][0]["title"] == mod_text("en", "stats.title")


async def test_stats_embed_names_languages_in_the_readers_language(
    bot: SellerBot, repo: SqliteRepository
) -> None:
    from bot.adapters.discord.modembeds import embed
    from bot.moderation.views import stats_view

    now = datetime.now(UTC)
    for lang in ("en", "id", "nl"):
        await repo.record_question("discord", GUILD, "seller-cancel", lang, at=now)
    stats = await community_stats(repo, "discord", GUILD, now)
    week = embed(bot.core, stats_view(stats, "nl")).fields[0].value or ""
    assert "• Engels: 1" in week and "• Indonesisch: 1" in week and "• Nederlands: 1" in week
    week = embed(bot.core, stats_view(stats, "en")).fields[0].value or ""
    assert "• English: 1" in week and "• Indonesian: 1" in week and "• Dutch: 1" in week


async def test_dashboard_link_in_private_for_moderators_only(
    standin: StandIn, inject: Any, assistant: Any, repo: SqliteRepository
) -> None:
    """/dashboard: a one-time sign-in link for this server, in an ephemeral reply, after the
    moderators' permission check; none when the dashboard has no address."""
    from bot.core.escaping import discord_markdown
    from bot.web.links import token_hash

    assistant.dashboard_url = "https://dash.example.org/"
    bot = await start_bot(assistant)
    try:
        _, data = reply(await inject(bot, factory.slash("dashboard", moderator=True)))
        assert ephemeral(data)
        sentence, link = text_of(data).split("\n")
        assert sentence == discord_markdown(mod_text("en", "dashboard.link", url="").strip())
        assert link.startswith("<") and link.endswith(">")
        url = link[1:-1]
        assert url.startswith("https://dash.example.org/login?token=")
        token = url.split("token=", 1)[1]
        redeemed = await repo.redeem_dashboard_link(token_hash(token), datetime.now(UTC))
        assert (redeemed.status, redeemed.platform, redeemed.chat_id) == (
            "ok",
            "discord",
            str(GUILD),
        )
        actions = await repo.list_actions("discord", str(GUILD))
        assert [a.action for a in actions] == ["dashboard.link"]

        # a member without Manage Server gets the refusal, and no link is made
        _, data = reply(await inject(bot, factory.slash("dashboard", moderator=False)))
        assert ephemeral(data) and "https://" not in text_of(data)
        assert len(await repo.list_actions("discord", str(GUILD))) == 1
    finally:
        await bot.close()

    assistant.dashboard_url = None
    bot = await start_bot(assistant)
    try:
        _, data = reply(await inject(bot, factory.slash("dashboard", moderator=True)))
        assert text_of(data) == discord_markdown(mod_text("en", "dashboard.off"))
    finally:
        await bot.close()
