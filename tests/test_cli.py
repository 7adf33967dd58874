"""The command line: ask (text, JSON, batch), check, situations, graph."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import catalogs, situations


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=60, check=False,
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
        "buyer-cancel-request", "ordered-by-mistake", None, "unhappy-with-delivery", None, None,
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
    text = text[:start] + text[text.index("msgid", start + 5):]
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
    assert ids[:4] == ["buyer-cancel-request", "ordered-by-mistake", "unhappy-with-delivery",
                       "seller-cancel"]


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
    proc = run("stats", "--chat", "-1", "--platform", "telegram",
               env={"SELLERBOT_DATABASE_URL": str(db)})
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
