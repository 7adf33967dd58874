"""The console channel, driven like a person at a terminal would."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleChannel
from bot.assistant import Assistant
from bot.core.engine import Core
from bot.storage import SqliteRepository


async def _session(core: Core, tmp_path: Path, script: list[str]) -> str:
    repo = await SqliteRepository.open(tmp_path / "c.db")
    out = io.StringIO()
    channel = ConsoleChannel(Assistant(core, repo), io.StringIO("\n".join(script) + "\n"), out)
    await channel.run()
    await repo.close()
    return out.getvalue()


async def test_walk_with_numbers_back_and_answer(core: Core, tmp_path: Path) -> None:
    # start menu: 1 buyer wants to cancel -> why: 1 mistake -> answer; then back; then 3 other
    out = await _session(core, tmp_path, ["1", "1", "back", "3", "quit"])
    assert core.t("en", "flow.why.question") in out
    assert core.t("en", "ordered-by-mistake.title") in out
    assert core.t("en", "buyer-cancel-request.title") in out
    assert core.t("en", "ui.console.bye") in out
    assert core.t("en", "ui.helpful.question") in out  # the Yes/No choices say what they ask


async def test_free_text_language_switch_and_bad_input(core: Core, tmp_path: Path) -> None:
    out = await _session(
        core, tmp_path, ["buyer minta cancel gimana gan", "99", "lang nl", "lang xx",
                         "ik moet annuleren, ik ben ziek", ""],
    )
    assert core.t("id", "buyer-cancel-request.title") in out
    assert "99" in out  # "there is no choice 99"
    assert core.t("nl", "seller-cancel.title") in out
    assert "Nederlands" in out


async def test_preference_survives_a_restart(core: Core, tmp_path: Path) -> None:
    await _session(core, tmp_path, ["lang id", "quit"])
    out = await _session(core, tmp_path, ["quit"])
    assert core.t("id", "ui.console.welcome") in out


def test_sellerbot_with_no_tokens_starts_the_console(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env["SELLERBOT_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli"], input="my buyer wants to cancel\nquit\n",
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Your buyer wants to cancel" in proc.stdout or "cancel" in proc.stdout
    assert (tmp_path / "data" / "sellerbot.db").exists()


async def test_a_pasted_multi_line_post_is_one_question(core: Core, tmp_path: Path) -> None:
    """At a real terminal (a pseudo-terminal here), the lines of a paste are one question."""
    import pty

    master, replica = pty.openpty()
    repo = await SqliteRepository.open(tmp_path / "c.db")
    out = io.StringIO()
    with open(replica, encoding="utf-8", closefd=True) as stdin:
        channel = ConsoleChannel(Assistant(core, repo), stdin, out)
        assert channel.interactive
        post = ("I delivered the logo on day 2 and the buyer was happy at first.\n"
                "Today he opened a cancellation request and wants his money back.\n"
                "Should I accept or decline?\n")
        os.write(master, post.encode())
        first = await channel.readline()
        os.write(master, b"quit\n")
        second = await channel.readline()
        os.write(master, b"\x04")  # Ctrl-D at the start of a line: the end of input
        end = await channel.readline()
    os.close(master)
    await repo.close()
    assert first == post.rstrip("\n")  # all three lines, in one question
    assert second == "quit" and end is None


async def test_a_short_follow_up_keeps_the_conversation_language(
    core: Core, tmp_path: Path
) -> None:
    out = await _session(core, tmp_path, ["buyer mau batalin order gmn", "ok", "quit"])
    # "ok" says nothing about its language: the reply stays Indonesian
    assert core.t("id", "buyer-cancel-request.title") in out
    after = out.split(core.t("id", "buyer-cancel-request.title"), 1)[1]
    assert core.t("id", "ui.console.bye") in after
    assert core.t("en", "ui.console.bye") not in after


async def test_help_words_get_the_help_text_in_their_language(core: Core, tmp_path: Path) -> None:
    for word, lang in (("tolong", "id"), ("hulp", "nl"), ("help", "en")):
        out = await _session(core, tmp_path / lang, [word, "quit"])
        assert core.t(lang, "ui.help.title") in out


async def test_also_about_is_a_numbered_choice(
    core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(core.model.thresholds, "also", 0.0)  # offer it whenever there is one
    question = "my buyer cancelled the order, will it hurt my completion rate?"
    route = core.route(question)
    assert route.kind == "situation" and route.also
    label = core.t("en", "ui.also_about", title=core.t("en", f"{route.also}.title"))
    out = await _session(core, tmp_path, [question, "1", "quit"])
    assert f"[1] {label}" in out  # first among the choices
    opened = out.split(f"[1] {label}", 1)[1]
    assert core.t("en", f"{route.also}.intro") in opened
