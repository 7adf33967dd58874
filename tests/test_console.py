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
        core,
        tmp_path,
        [
            "buyer minta cancel gimana gan",
            "99",
            "lang nl",
            "lang xx",
            "ik moet annuleren, ik ben ziek",
            "",
        ],
    )
    assert core.t("id", "buyer-cancel-request.title") in out
    assert "99" in out  # "there is no choice 99"
    assert core.t("nl", "seller-cancel.title") in out
    assert "Nederlands" in out


async def test_preference_survives_a_restart(core: Core, tmp_path: Path) -> None:
    await _session(core, tmp_path, ["lang id", "quit"])
    out = await _session(core, tmp_path, ["quit"])
    assert core.t("id", "ui.console.welcome") in out


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh checkout: no tokens, no log settings, data in tmp_path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_TOKEN") and not k.startswith("SELLERBOT_")
    }
    return {**env, "SELLERBOT_DATA_DIR": str(tmp_path / "data"), **extra}


def test_sellerbot_with_no_tokens_starts_the_console(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli"],
        input="my buyer wants to cancel\nlang id\nquit\n",
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Your buyer wants to cancel" in proc.stdout or "cancel" in proc.stdout
    assert (tmp_path / "data" / "sellerbot.db").exists()
    # only the conversation: no migrations, "storage opened" or "language saved" lines
    assert proc.stderr == ""
    assert "INFO" not in proc.stdout and "Migrated" not in proc.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--verbose"], {}), (["run", "-v"], {}), ([], {"SELLERBOT_LOG_LEVEL": "info"})],
)
def test_log_lines_in_the_console_when_asked(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input="quit\n",
        capture_output=True,
        text=True,
        env=_env(tmp_path, **env),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Migrated" in proc.stderr and "INFO" not in proc.stdout


@pytest.mark.parametrize("stdin", ["pipe", "terminal"])
def test_ctrl_c_leaves_at_once(tmp_path: Path, stdin: str) -> None:
    """Ctrl-C while the console waits for a line: the goodbye, exit 0, no traceback, without
    waiting for Enter (the read used to block the loop's shutdown)."""
    import pty
    import selectors
    import signal
    import time

    master = replica = -1
    if stdin == "terminal":
        master, replica = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli"],
        stdin=replica if stdin == "terminal" else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        seen = b""
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 30
            while b"[5]" not in seen and time.monotonic() < deadline:  # the menu is up
                if sel.select(timeout=1):
                    seen += os.read(proc.stdout.fileno(), 65536)
        assert b"[5]" in seen, seen
        time.sleep(0.2)  # waiting for the next line now
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for fd in (master, replica):
            if fd >= 0:
                os.close(fd)
    assert proc.returncode == 0, err
    assert b"Good luck with your orders!" in seen + out
    assert err == b""


async def test_numbers_stay_put_back_and_votes_have_letters(core: Core, tmp_path: Path) -> None:
    """An answer reached through the steps: its answers are 1 and 2, Back is [b] and the
    votes come last under "Was this helpful?", lettered, whatever else is shown."""
    out = await _session(core, tmp_path, ["1", "1", "b", "1", "n", "quit"])
    t = core.t
    guide = out.split(t("en", "ordered-by-mistake.title"), 1)[1]
    choices = [
        ln
        for ln in guide.split(t("en", "flow.why.question"))[0].splitlines()
        if ln.startswith("  ")
    ]
    assert choices == [
        f"  [1] {t('en', 'buyer-cancel-request.title')}",
        f"  [2] {t('en', 'unhappy-with-delivery.title')}",
        f"  [b] {t('en', 'ui.back')}",
        f"  {t('en', 'ui.helpful.question')}  [y] {t('en', 'ui.helpful.yes')}  "
        f"[n] {t('en', 'ui.helpful.no')}",
    ]
    # [b] went back a step, [n] voted on the guide opened from there
    after_back = guide.split(t("en", "flow.why.question"), 1)[1]
    assert t("en", "ordered-by-mistake.title") in after_back
    assert t("en", "ui.unhelpful.title") in after_back


def test_letters_follow_each_language() -> None:
    from bot.adapters.console.channel import keys_for
    from bot.core.answer import Choice

    def keys(*labels: tuple[str, str]) -> list[str]:
        return keys_for([Choice(f"t{i}", label, kind) for i, (label, kind) in enumerate(labels)])

    assert keys(
        ("A", "situation"), ("Kembali", "back"), ("Ya", "feedback"), ("Nggak", "feedback")
    ) == ["1", "k", "y", "n"]
    assert keys(("Terug", "back"), ("Ja", "feedback"), ("Nee", "feedback")) == ["t", "j", "n"]
    # a letter already taken (or "q", which is quit) moves on to the next in the label
    assert keys(("Nee", "back"), ("Nein", "feedback"), ("Quit", "feedback")) == ["n", "e", "u"]


async def test_a_command_that_changes_no_menu_keeps_it(core: Core, tmp_path: Path) -> None:
    """After "lang id", a number from the English menu still on screen picks from it, and
    the answer comes in the language just chosen."""
    out = await _session(core, tmp_path, ["lang id", "1", "lang", "2", "quit"])
    assert core.t("id", "ui.console.invalid", number=1) not in out
    assert core.t("id", "flow.why.question") in out  # [1] The buyer wants to cancel
    assert core.t("id", "ui.console.invalid", number=2) not in out
    assert core.t("id", "flow.delivered.question") in out  # [2] Unhappy with the work


async def test_votes_keep_the_guide_and_not_helpful_offers_the_others(
    core: Core, tmp_path: Path
) -> None:
    out = await _session(core, tmp_path, ["2", "y", "n", "1", "quit"])
    t = core.t
    assert t("en", "ui.helpful.thanks") in out
    offer = out.split(t("en", "ui.unhelpful.title"), 1)[1]
    others = (
        "buyer-cancel-request",
        "ordered-by-mistake",
        "unhappy-with-delivery",
        "completion-rate",
        "general-advice",
    )
    for i, sid in enumerate(others, 1):
        assert f"  [{i}] {t('en', f'{sid}.title')}" in offer
    assert f"  [6] {t('en', 'ui.walk.start')}" in offer
    assert t("en", "seller-cancel.title") not in offer.split(t("en", "ui.walk.start"))[0]
    assert t("en", "buyer-cancel-request.intro") in offer  # [1] opened it


async def test_lang_auto_follows_the_language_the_member_writes_in(
    core: Core, tmp_path: Path
) -> None:
    """A saved English preference, an Indonesian question (answered in English), then
    "lang auto": from here on Indonesian, and the confirmation says so in Indonesian."""
    first = await _session(core, tmp_path, ["lang en", "quit"])
    assert core.t("en", "ui.lang.remembered", undo="lang auto") in first
    out = await _session(core, tmp_path, ["buyer minta cancel gimana gan", "lang auto", "quit"])
    assert core.t("en", "buyer-cancel-request.title") in out
    assert core.t("id", "ui.lang.reset") in out
    assert core.t("id", "ui.console.bye") in out


async def test_a_pasted_multi_line_post_is_one_question(core: Core, tmp_path: Path) -> None:
    """At a real terminal (a pseudo-terminal here), the lines of a paste are one question."""
    import pty

    master, replica = pty.openpty()
    repo = await SqliteRepository.open(tmp_path / "c.db")
    out = io.StringIO()
    with open(replica, encoding="utf-8", closefd=True) as stdin:
        channel = ConsoleChannel(Assistant(core, repo), stdin, out)
        assert channel.interactive
        post = (
            "I delivered the logo on day 2 and the buyer was happy at first.\n"
            "Today he opened a cancellation request and wants his money back.\n"
            "Should I accept or decline?\n"
        )
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


async def test_choices_can_be_typed_out_and_key_presses_are_not_questions(
    core: Core, tmp_path: Path
) -> None:
    repo = await SqliteRepository.open(tmp_path / "c.db")
    out = io.StringIO()
    # at the first menu: "b" has nothing to go back to, "x" is no choice; then a guide,
    # and the vote typed out as its label ("no"), as a newcomer does
    script = ["b", "x", "my buyer wants to cancel the order", core.t("en", "ui.helpful.no"), "quit"]
    channel = ConsoleChannel(Assistant(core, repo), io.StringIO("\n".join(script) + "\n"), out)
    await channel.run()
    text = out.getvalue()
    assert core.t("en", "ui.console.invalid", number="b") in text
    assert core.t("en", "ui.console.invalid", number="x") in text
    assert core.t("en", "ui.unhelpful.title") in text  # "No" counted as the vote
    [summary] = await repo.feedback_summary()
    assert summary.not_helpful == 1
    assert await repo.unrouted_report("console") == []  # no key press among the statistics
    await repo.close()
