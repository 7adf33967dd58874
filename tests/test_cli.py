"""The command line: ask (text, JSON, batch), check, situations, graph."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.core import catalogs, situations


def run(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_ask_json_has_the_stable_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "mijn koper wil de bestelling annuleren"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["situation"] == "buyer-cancel-request"
    assert data["lang"] == "nl"
    assert 0 < data["confidence"] <= 1
    assert "Oplossingscentrum" in data["text"] or "annul" in data["text"].lower()


def test_ask_json_unrouted_is_null(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "how do I withdraw to paypal"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["situation"] is None and data["lang"] == "en"


def test_ask_lang_option_overrides_question_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--lang", "id", "my buyer wants to cancel"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lang"] == "id" and data["situation"] == "buyer-cancel-request"
    assert "buyer" in data["text"].lower()


def test_ask_unknown_lang_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--lang", "fr", "hello"]) == 2
    assert "unknown language" in capsys.readouterr().err


def test_ask_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "buyer minta cancel gimana gan"]) == 0
    out = capsys.readouterr().out
    assert "1." in out and "cancel" in out.lower()


def test_batch_mode_one_object_per_line_in_order() -> None:
    questions = [
        "my buyer wants to cancel",
        "buyer salah order mau order ulang",
        "",
        "de klant is ontevreden over de levering",
        "x" * 5000,
        "hoe kan ik mijn geld opnemen",
    ]
    proc = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    objs = [json.loads(line) for line in lines]
    assert [o["situation"] for o in objs] == [
        "buyer-cancel-request",
        "ordered-by-mistake",
        None,
        "unhappy-with-delivery",
        None,
        None,
    ]
    assert objs[2]["kind"] == "notice" and objs[4]["kind"] == "notice"  # empty, too long
    assert objs[3]["lang"] == "nl"


def test_check_passes_on_shipped_content() -> None:
    proc = run("check")
    assert proc.returncode == 0, proc.stderr
    assert "ok" in proc.stdout


def test_check_fails_on_a_broken_catalog(tmp_path: Path) -> None:
    loc = tmp_path / "locales"
    shutil.copytree(catalogs.default_locales_dir(), loc)
    po = loc / "id" / "LC_MESSAGES" / "sellerbot.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace("{language}", "{bahasa}", 1)
    start = text.index('msgid "ordered-by-mistake.step.4"')
    text = text[:start] + text[text.index("msgid", start + 5) :]
    po.write_text(text, encoding="utf-8")
    proc = run("check", env={"SELLERBOT_LOCALES_DIR": str(loc)})
    assert proc.returncode == 1
    assert "ordered-by-mistake.step.4" in proc.stderr
    assert "placeholders" in proc.stderr


def test_check_fails_on_an_unparseable_catalog(tmp_path: Path) -> None:
    loc = tmp_path / "locales"
    shutil.copytree(catalogs.default_locales_dir(), loc)
    (loc / "nl" / "LC_MESSAGES" / "sellerbot.po").write_text('msgid "a\nmsgstr', encoding="utf-8")
    proc = run("check", env={"SELLERBOT_LOCALES_DIR": str(loc)})
    assert proc.returncode == 1
    assert "nl: the catalog has no messages" in proc.stderr or "cannot load" in proc.stderr


def test_situations_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["situations", "--json"]) == 0
    ids = [row["id"] for row in json.loads(capsys.readouterr().out)]
    assert ids[:4] == [
        "buyer-cancel-request",
        "ordered-by-mistake",
        "unhappy-with-delivery",
        "seller-cancel",
    ]


def test_graph_is_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD") and "seller-cancel" in out


def test_stats_reports_recorded_questions(tmp_path: Path) -> None:
    import asyncio

    from bot.storage import SqliteRepository

    db = tmp_path / "s.db"

    async def fill() -> None:
        repo = await SqliteRepository.open(db)
        for _ in range(3):
            await repo.record_question("telegram", "-1", "seller-cancel", "nl")
        await repo.record_question("telegram", "-1", None, "en")
        await repo.record_unrouted("telegram", "-1", "how do I withdraw", "en")
        await repo.close()

    asyncio.run(fill())
    proc = run(
        "stats", "--chat", "-1", "--platform", "telegram", env={"SELLERBOT_DATABASE_URL": str(db)}
    )
    assert proc.returncode == 0, proc.stderr
    assert "how do i withdraw" in proc.stdout
    assert "3" in proc.stdout and "4" in proc.stdout


def test_ask_text_lists_what_it_can_help_with(capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal has no buttons: unsure and off-topic answers list the situations."""
    assert main(["ask", "cara withdraw ke paypal gimana"]) == 0
    out = capsys.readouterr().out
    assert "- Buyer salah order" in out and "- Kamu perlu cancel order" in out
    assert main(["ask", "cancel?"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("- ")]
    assert len(lines) == len(situations.SITUATIONS)


def _fresh(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A fresh checkout's environment: no tokens or sellerbot settings, data in tmp_path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_TOKEN") and not k.startswith("SELLERBOT_")
    }
    return {**env, "SELLERBOT_DATA_DIR": str(tmp_path / "data"), **extra}


def _bare(
    *args: str,
    env: dict[str, str],
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("tag", "lang"), [("EN", "en"), ("nl-BE", "nl"), ("id_ID", "id"), ("in", "id")]
)
def test_ask_lang_takes_locales_as_platforms_send_them(
    capsys: pytest.CaptureFixture[str], tag: str, lang: str
) -> None:
    assert main(["ask", "--json", "--lang", tag, "my buyer wants to cancel"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == lang


@pytest.mark.parametrize(
    "args",
    [["situations", "--lang", "xx"], ["stats", "--lang", "xx"], ["ask", "--lang", "fr", "hello"]],
)
def test_unknown_languages_are_refused_with_the_valid_ones(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"sellerbot {args[0]}: unknown language" in err and "en, id, nl" in err


def test_situations_lang_takes_a_locale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["situations", "--json", "--lang", "NL"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["title"] == catalogs.shared().gettext("nl", f"{rows[0]['id']}.title")


def test_stats_refuses_an_unknown_platform(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["stats", "--platform", "foo"])
    assert exit_.value.code == 2
    assert "'telegram', 'discord', 'console'" in capsys.readouterr().err


def test_stats_on_a_missing_data_folder_creates_nothing(tmp_path: Path) -> None:
    proc = _bare("stats", env=_fresh(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "no statistics yet" in proc.stdout and "sellerbot.db" in proc.stdout
    assert list(tmp_path.iterdir()) == []  # no folder, no database


def test_stats_reads_without_changing_the_database(tmp_path: Path) -> None:
    import asyncio

    from bot.storage import SqliteRepository

    db = tmp_path / "data" / "sellerbot.db"

    async def fill() -> None:
        repo = await SqliteRepository.open(db)
        await repo.record_question("console", None, "seller-cancel", "en")
        await repo.close()

    asyncio.run(fill())
    before = db.read_bytes()
    proc = _bare("stats", "--lang", "nl_NL", env=_fresh(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["sellerbot.db"]  # no -wal, -shm


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import metadata

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"sellerbot {metadata.version('sellerbot')}"


def test_plain_text_batch_separates_the_answers() -> None:
    questions = ["my buyer wants to cancel", "", "de klant is ontevreden over de levering"]
    proc = run("ask", "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    t = catalogs.shared().gettext
    first, second = out.split("\n\n> de klant is ontevreden over de levering\n")
    assert first.startswith("> my buyer wants to cancel\n" + t("en", "buyer-cancel-request.title"))
    assert second.startswith(t("nl", "unhappy-with-delivery.title"))
    assert out.count("\n> ") == 1  # the blank line is no question
    assert t("en", "ui.empty") not in out


def _unusable(tmp_path: Path, kind: str) -> tuple[dict[str, str], str]:
    """An unusable data folder, and what the message must name."""
    if kind == "a file in the path":
        (tmp_path / "afile").write_text("x")
        return _fresh(tmp_path, SELLERBOT_DATA_DIR=str(tmp_path / "afile" / "data")), "afile"
    data = tmp_path / "data"
    data.mkdir()
    if kind == "a folder where the database goes":
        (data / "sellerbot.db").mkdir()
        return _fresh(tmp_path), "is a folder"
    (data / "sellerbot.db").write_bytes(b"not a database, just some bytes" * 100)
    return _fresh(tmp_path), "not a SQLite database"


@pytest.mark.parametrize(
    "kind", ["a file in the path", "a folder where the database goes", "not a database"]
)
def test_an_unusable_data_folder_is_one_clear_line(tmp_path: Path, kind: str) -> None:
    env, named = _unusable(tmp_path, kind)
    proc = _bare(env=env, stdin="quit\n")
    assert proc.returncode == 2
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()  # no tracebacks, no "Event loop is closed"
    assert line.startswith("sellerbot: cannot ") and named in line
    stats = _bare("stats", env=env)
    assert stats.returncode == 2 and len(stats.stderr.splitlines()) == 1, stats.stderr


def test_a_new_deployment_gets_its_own_hash_salt_and_keeps_it(tmp_path: Path) -> None:
    env = _fresh(tmp_path)
    assert _bare(env=env, stdin="lang nl\nquit\n").returncode == 0
    salt_file = tmp_path / "data" / "hash-salt"
    salt = salt_file.read_text()
    assert len(salt.strip()) == 64 and salt_file.stat().st_mode & 0o777 == 0o600
    assert _bare(env=env, stdin="quit\n").returncode == 0
    assert salt_file.read_text() == salt  # made once, then read at every start
    # the stored language choice was hashed with that salt: still found after a restart
    out = _bare(env=env, stdin="quit\n").stdout
    assert catalogs.load().gettext("nl", "ui.console.bye") in out


def test_an_unsalted_deployment_keeps_its_hashes_and_is_warned(tmp_path: Path) -> None:
    import asyncio

    from bot.storage import SqliteRepository

    async def made_before_salts() -> None:  # as an earlier version left it: hashed, no salt
        repo = await SqliteRepository.open(tmp_path / "data" / "sellerbot.db", salt="")
        await repo.set_member_language("console", "local", "id")
        await repo.close()

    asyncio.run(made_before_salts())
    proc = _bare("-v", env=_fresh(tmp_path), stdin="quit\n")
    assert "without a salt" in proc.stderr
    assert catalogs.load().gettext("id", "ui.console.bye") in proc.stdout  # still found
    assert not (tmp_path / "data" / "hash-salt").exists()  # its hashes stay valid


@pytest.mark.parametrize(("count", "ids"), [(None, "0"), ("2", "2"), ("2", "one"), ("2", "-1")])
def test_shard_settings_that_cannot_work_are_one_clear_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    count: str | None,
    ids: str,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "x" * 24 + "." + "y" * 6 + "." + "z" * 27)
    monkeypatch.setenv("DISCORD_SHARD_IDS", ids)
    if count is not None:
        monkeypatch.setenv("DISCORD_SHARD_COUNT", count)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("sellerbot: DISCORD_SHARD_IDS") and "\n" not in err


def test_every_log_line_names_the_process_role(
    logs_as_run: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import logging

    logs_as_run("INFO", "json", role="telegram-worker-2")
    logging.getLogger("bot.test").info("answered", extra={"situation": "seller-cancel"})
    line = json.loads(capfd.readouterr().err.strip().splitlines()[-1])
    assert line["role"] == "telegram-worker-2" and line["situation"] == "seller-cancel"
