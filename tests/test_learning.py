"""Learning from the community (issue 15): ``sellerbot train`` retrains the router with the
deployment's confirmed examples, adopts it only when it is not worse on the real posts, and a
newly started bot answers with it; the stats and the dashboard say which model is in use.

Trained on a small corpus (a few real posts per answer, 3 folds) to stay fast.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from databases import TestDatabases

from bot import active_model, learning
from bot.cli import main
from bot.core import corpus
from bot.core.corpus import Item
from bot.core.engine import Core
from bot.storage.sql import SqlRepository
from bot.web.app import create_app
from bot.web.links import issue_link

#: Real posts per answer in the small corpus.
PER_ANSWER = 7
FOLDS = 3
#: A question the shipped model does not send to "ordered-by-mistake", with paraphrases that a
#: deployment's moderators confirmed as needing it.
VOICE = [
    "the buyer keeps sending me voice notes about the logo colours",
    "buyer keeps sending voice notes about the logo",
    "voice notes from the buyer about logo colours",
    "he sends voice notes all day about colours of the logo",
]
MISTAKE = "ordered-by-mistake"


def small_corpus() -> list[Item]:
    """The first few real posts of each answer in the shipped corpus."""
    kept: dict[str | None, list[Item]] = {}
    for it in corpus.load():
        if it.real and len(kept.setdefault(it.label, [])) < PER_ANSWER:
            kept[it.label].append(it)
    return [it for items in kept.values() for it in items]


@pytest.fixture
async def repo(tmp_path: Path, databases: TestDatabases) -> SqlRepository:
    repository = await databases.open(tmp_path / "learning.db", salt="learning")
    try:
        yield repository  # type: ignore[misc]
    finally:
        await repository.close()


async def confirm(repo: SqlRepository, texts: list[str], answer: str | None, lang: str) -> None:
    for text in texts:
        await repo.add_example("telegram", "-100", text, lang, answer, "moderator", "confirmed")


def test_a_model_is_adopted_only_when_it_is_not_worse_on_the_real_posts() -> None:
    before = learning.Figures(n=50, right=30, useful=40, wrong=3)
    assert learning.not_worse(before, before)
    assert learning.not_worse(replace(before, right=31, wrong=2), before)
    assert not learning.not_worse(replace(before, right=29), before)
    assert not learning.not_worse(replace(before, right=35, wrong=4), before)


@pytest.fixture
def adopt_regardless_of_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four odd examples move a few of 48 real posts either way, depending on the folds (on the
    whole corpus they would not): the tests of what follows adoption do not hang on that coin,
    :func:`learning.not_worse` is tested on its own above."""
    monkeypatch.setattr(learning, "not_worse", lambda after, before: True)


@pytest.mark.usefixtures("adopt_regardless_of_figures")
async def test_confirmed_examples_change_their_answer_in_a_newly_started_bot(
    core: Core, repo: SqlRepository
) -> None:
    shipped_answer = core.route(VOICE[0]).situation
    assert shipped_answer != MISTAKE
    await confirm(repo, VOICE, MISTAKE, "en")
    small = small_corpus()

    outcome = await learning.retrain(core, repo, small, folds=FOLDS)

    assert outcome.adopted and outcome.stored_id is not None
    assert outcome.before.n == outcome.after.n == len(small)  # every real post judged, once
    assert VOICE[0] in {c.text for c in outcome.changed}
    assert all(c.after == MISTAKE for c in outcome.changed)
    stored = await repo.active_router_model()
    assert stored is not None and (stored.id, stored.examples, stored.items) == (
        outcome.stored_id, len(VOICE), len(small),
    )  # fmt: skip
    assert stored.figures["after"] == outcome.after.to_json()

    # What `sellerbot run` (and the console) do at start: the stored model answers.
    started = await active_model.core_for(core, repo)
    assert started.route(VOICE[0]).situation == MISTAKE
    assert core.route(VOICE[0]).situation == shipped_answer  # the shared core is untouched

    # Nothing new confirmed: nothing is retrained or stored.
    again = await learning.retrain(core, repo, small, folds=FOLDS)
    assert again.nothing_new and not again.adopted and again.stored_id is None


async def test_a_model_worse_on_the_real_posts_is_refused_and_the_model_in_use_stays(
    core: Core, repo: SqlRepository
) -> None:
    small = small_corpus()
    in_use = await repo.add_router_model(_stored(core), {"base": active_model.shipped_hash()}, 0, 1)
    # Moderators confirm the real posts' own questions under the wrong answers.
    for it in small:
        wrong = MISTAKE if it.label != MISTAKE else "seller-cancel"
        await confirm(repo, [it.text], wrong, it.lang)

    refused = await learning.retrain(core, repo, small, folds=FOLDS)

    assert not refused.adopted and refused.stored_id is None
    assert refused.before_name.startswith(f"retrained model #{in_use}")
    assert refused.after.right < refused.before.right or refused.after.wrong > refused.before.wrong
    active = await repo.active_router_model(with_model=False)
    assert active is not None and active.id == in_use


def _stored(core: Core) -> str:
    """The shipped model as a stored one (as if retrained from no example)."""
    base = active_model.shipped_hash()
    return active_model.dumps(replace(core.model, trained={**core.model.trained, "base": base}))


def _cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    for name in ("SELLERBOT_DATABASE_URL", "SELLERBOT_HASH_SALT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SELLERBOT_DATA_DIR", str(tmp_path / "data"))
    small = tmp_path / "small.jsonl"
    small.write_text(
        "".join(
            json.dumps({**vars(it), "accept": list(it.accept)}, ensure_ascii=False) + "\n"
            for it in small_corpus()
        ),
        encoding="utf-8",
    )
    return small


@pytest.mark.usefixtures("adopt_regardless_of_figures")
async def test_sellerbot_train_then_ask_stats_and_revert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    small = _cli_env(tmp_path, monkeypatch)
    from bot.storage import open_repository

    repo = await open_repository(str(tmp_path / "data" / "sellerbot.db"))
    await confirm(repo, VOICE, MISTAKE, "en")  # type: ignore[arg-type]
    await repo.close()

    def run(*args: str) -> str:
        assert main(list(args)) == 0
        return capsys.readouterr().out

    # (The commands run their own event loops: in a thread, as from a terminal.)
    import asyncio

    trained = await asyncio.to_thread(run, "train", "--corpus", str(small), "--folds", "3")
    assert "sellerbot train: 4 confirmed examples" in trained
    assert "in use: the shipped model" in trained and "wrong guide" in trained
    assert "adopted: model #1" in trained
    assert f"-> {MISTAKE} (confirmed: {MISTAKE}): {VOICE[0]}" in trained

    asked = json.loads(await asyncio.to_thread(run, "ask", "--json", VOICE[0]))
    assert asked["situation"] == MISTAKE
    stats = await asyncio.to_thread(run, "stats")
    assert "Question router: retrained" in stats and "4 confirmed examples" in stats
    stats_id = await asyncio.to_thread(run, "stats", "--lang", "id")
    assert "dilatih ulang" in stats_id

    reverted = await asyncio.to_thread(run, "train", "--revert")
    assert "back to the shipped model" in reverted
    asked = json.loads(await asyncio.to_thread(run, "ask", "--json", VOICE[0]))
    assert asked["situation"] != MISTAKE
    assert "Question router: the shipped model" in await asyncio.to_thread(run, "stats")


def test_train_without_scikit_learn_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(tmp_path, monkeypatch)
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)  # as if not installed
    assert main(["train"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        "sellerbot train: retraining needs scikit-learn, which is not installed: "
        "pip install -e '.[train]'"
    )


async def test_the_dashboard_overview_says_which_model_is_in_use(
    core: Core, repo: SqlRepository
) -> None:
    app = create_app(core, repo, "test-secret-of-the-dashboard-0123456789")
    base = "http://dashboard.test"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as web:
        link = await issue_link(repo, base, "telegram", "-100")
        assert (await web.get(link.removeprefix(base))).status_code == 303
        page = (await web.get("/")).text
        assert "the shipped model, trained" in page
        assert f"on {core.model.trained['items']} corpus questions" in page
        await repo.add_router_model(_stored(core), {"base": active_model.shipped_hash()}, 1, 30)
        await repo.set_community_language("telegram", "-100", "nl")
        page = (await web.get("/")).text
        assert "opnieuw is getraind met 30 vragen uit het corpus en 1 bevestigd voorbeeld" in page


async def test_a_retrained_model_keeps_the_confidence_model_fitted_with_it(
    core: Core, repo: SqlRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sellerbot train`` fits and stores a confidence model like tools/train_router.py does
    (the small corpus is below the usual minimum of real posts, lowered here)."""
    from bot import training

    monkeypatch.setattr(training, "MIN_CONFIDENCE_POSTS", 10)
    monkeypatch.setattr(learning, "not_worse", lambda *_: True)  # adoption is not the point
    await confirm(repo, VOICE, MISTAKE, "en")
    outcome = await learning.retrain(core, repo, small_corpus(), folds=FOLDS)
    assert outcome.adopted and outcome.model is not None
    assert outcome.model.confidence is not None
    started = await active_model.core_for(core, repo)
    assert started.model.confidence == outcome.model.confidence
    assert started.model.predict(["w:buyer"]).sure is not None
