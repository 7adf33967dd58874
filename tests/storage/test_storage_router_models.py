"""The deployment's retrained router models (schema 7), on SQLite and PostgreSQL: one active at
a time, for every process; ``sellerbot ask``'s quick read finds the same one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from storage_db import Database

from bot import active_model, training
from bot.core import classifier
from bot.storage.sql import SqlRepository

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _model(bias: float, base: str | None = None) -> classifier.Model:
    return classifier.Model(
        training.CLASSES,
        tuple(bias if c == "seller-cancel" else 0.0 for c in training.CLASSES),
        {"w:cancel": tuple(0.5 for _ in training.CLASSES)},
        {"unsure": 0.3, "offtopic": 0.5, "also": 0.6},
        {"base": base or active_model.shipped_hash(), "examples": 2},
    )


async def test_one_stored_model_is_active_at_a_time(repo: SqlRepository) -> None:
    assert await repo.active_router_model() is None
    first = await repo.add_router_model(
        active_model.dumps(_model(1.0)), {"after": {"right": 3}}, 2, 40, at=NOW
    )
    second = await repo.add_router_model(
        active_model.dumps(_model(2.0)), {"after": {"right": 4}}, 3, 40, at=NOW + timedelta(1)
    )
    assert second > first
    active = await repo.active_router_model()
    assert active is not None
    assert (active.id, active.examples, active.items, active.active) == (second, 3, 40, True)
    assert active.trained_at == NOW + timedelta(1)
    assert active.figures == {"after": {"right": 4}}
    assert active_model.from_stored(active.model).bias[training.CLASSES.index("seller-cancel")] == 2
    brief = await repo.active_router_model(with_model=False)
    assert brief is not None and brief.model == "" and brief.id == second
    assert await repo.deactivate_router_models() == 1
    assert await repo.active_router_model() is None
    assert await repo.deactivate_router_models() == 0


async def test_a_model_built_on_another_shipped_model_is_left_aside(repo: SqlRepository) -> None:
    await repo.add_router_model(active_model.dumps(_model(1.0, base="0" * 16)), {}, 1, 2)
    with pytest.raises(active_model.StaleModel):
        active_model.from_stored((await repo.active_router_model()).model)  # type: ignore[union-attr]
    assert await active_model.load_active(repo) is None  # the shipped model answers


async def test_ask_reads_the_active_model_quickly(db: Database, tmp_path: Path) -> None:
    """``sellerbot ask`` reads SQLite with the standard library, PostgreSQL through the
    repository; both find what the repository stored (called in a thread here: on
    PostgreSQL it runs its own event loop, as the command does)."""

    def ask(url: str) -> classifier.Model | None:
        return active_model.model_for_ask(url)

    assert await asyncio.to_thread(ask, db.url) is None  # no database yet: nothing created
    if db.path is not None:
        assert not db.path.exists()
    repo = await db.open()
    try:
        assert await asyncio.to_thread(ask, db.url) is None  # no model stored
        await repo.add_router_model(active_model.dumps(_model(3.0)), {}, 1, 2)
    finally:
        await repo.close()
    found = await asyncio.to_thread(ask, db.url)
    assert found is not None and found.bias[training.CLASSES.index("seller-cancel")] == 3.0
    if db.path is not None:
        assert active_model.read_sqlite(str(tmp_path / "none.db")) is None


def test_ask_finds_the_database_the_settings_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import load_settings

    monkeypatch.chdir(tmp_path)
    for name in ("SELLERBOT_DATABASE_URL", "SELLERBOT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    cases = [
        ({}, ""),
        ({}, "SELLERBOT_DATA_DIR=elsewhere\n"),
        ({"sellerbot_data_dir": "/srv/bot"}, "SELLERBOT_DATA_DIR=elsewhere\n"),
        ({}, "sellerbot_database_url=postgresql://u@h/d\nSELLERBOT_DATA_DIR=x\n"),
        ({"SELLERBOT_DATABASE_URL": ""}, "SELLERBOT_DATABASE_URL=\n"),
    ]
    for env, dotenv in cases:
        (tmp_path / ".env").write_text(dotenv, encoding="utf-8")
        with monkeypatch.context() as m:
            for k, v in env.items():
                m.setenv(k, v)
            assert active_model.configured_database_url() == load_settings().database_url
