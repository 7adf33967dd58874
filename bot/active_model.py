"""Which question router a deployment answers with: the model ``sellerbot train`` adopted
(stored in the deployment's database, so every process on one PostgreSQL uses the same one),
else the shipped ``model/router.json``.

A stored model is used only with the shipped model it was retrained from: it records the
hash of that ``model/router.json`` (``trained["base"]``), and after an upgrade of the bot
(another corpus, other features) it is left aside, with a warning, until ``sellerbot train``
runs again. Processes read the active model when they start (``sellerbot run``, the console,
``sellerbot ask``); one adopted later is used from their next start.

This module stays light: ``sellerbot ask`` reads a SQLite database with the standard
library's ``sqlite3``, without the storage layer's SQLAlchemy (it must answer within a second).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core import classifier

if TYPE_CHECKING:
    from bot.core.engine import Core
    from bot.storage import Repository, RouterModel

log = logging.getLogger(__name__)

#: The query :func:`read_sqlite` runs (the repository's :meth:`active_router_model`).
_ACTIVE = "SELECT model FROM router_models WHERE active = 1 ORDER BY id DESC LIMIT 1"


@cache
def shipped_hash(path: Path | None = None) -> str:
    """A short hash of the shipped model file, which stored models record as their base."""
    data = (path or classifier.default_model_path()).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


class StaleModel(classifier.ModelError):
    """The stored model was retrained from another shipped model (the bot was upgraded)."""


def from_stored(text: str) -> classifier.Model:
    """The stored model (its JSON text), checked against the shipped model it was built on.

    Raises:
        ModelError: Malformed.
        StaleModel: Retrained from another version of the shipped model.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise classifier.ModelError(f"malformed stored router model: {exc}") from exc
    if not isinstance(data, dict):
        raise classifier.ModelError("malformed stored router model: not a JSON object")
    model = classifier.from_json(data)
    if model.trained.get("base") != shipped_hash():
        raise StaleModel(
            "the deployment's retrained router model was built from another version of the "
            "shipped model; run `sellerbot train` again (answering with the shipped model)"
        )
    return model


def dumps(model: classifier.Model) -> str:
    """A model as the JSON text stored (the shape of ``model/router.json``)."""
    return json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"))


async def load_active(repo: Repository) -> tuple[classifier.Model, RouterModel] | None:
    """The deployment's active stored model, ready to answer with, or None (none is active,
    or it cannot be used: then a warning says why and the shipped model answers)."""
    stored = await repo.active_router_model()
    if stored is None:
        return None
    try:
        return from_stored(stored.model), stored
    except classifier.ModelError as exc:
        log.warning("not using the stored router model #%d: %s", stored.id, exc)
        return None


async def core_for(core: Core, repo: Repository) -> Core:
    """``core``, answering with the deployment's active stored model when there is one."""
    found = await load_active(repo)
    if found is None:
        return core
    model, stored = found
    log.info(
        "answering with the retrained router model",
        extra={"model_id": stored.id, "examples": stored.examples},
    )
    return core.with_model(model)


# -- sellerbot ask: quick reads ------------------------------------------------------------


def configured_database_url(env_file: Path = Path(".env")) -> str:
    """The storage URL the settings give (``SELLERBOT_DATABASE_URL``, else the SQLite file in
    ``SELLERBOT_DATA_DIR``), read as :class:`bot.config.Settings` does (the environment,
    then ``.env``; names in any case; empty values ignored) without loading pydantic."""
    values: dict[str, str] = {}
    if env_file.is_file():
        from dotenv import dotenv_values

        values = {k.lower(): v for k, v in dotenv_values(env_file).items() if v}
    values.update({k.lower(): v for k, v in os.environ.items() if v})
    url = values.get("sellerbot_database_url")
    if url:
        return url
    return str(Path(values.get("sellerbot_data_dir", "data")) / "sellerbot.db")


def read_sqlite(path: str) -> str | None:
    """The active model's JSON text in the SQLite file ``path``, read only; None when there
    is no file, no such table yet (an older schema) or no active model.

    Raises:
        sqlite3.Error: The file cannot be read.
    """
    file = Path(path)
    if path == ":memory:" or not file.is_file():
        return None
    # As the repository reads: shared -wal and -shm files while the bot runs, else the file as
    # it is ("immutable"), leaving nothing behind.
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    conn = sqlite3.connect(f"{file.resolve().as_uri()}?{mode}", uri=True, timeout=5)
    try:
        try:
            row = conn.execute(_ACTIVE).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
    finally:
        conn.close()
    return str(row[0]) if row else None


def model_for_ask(url: str) -> classifier.Model | None:
    """The deployment's active stored model for ``sellerbot ask``, or None: none stored, or it
    cannot be read or used (a warning says why; the shipped model answers then)."""
    from bot.storage.url import is_postgres, sqlite_path

    try:
        text = _read_postgres(url) if is_postgres(url) else read_sqlite(sqlite_path(url))
        return from_stored(text) if text is not None else None
    except Exception as exc:  # any storage or model problem: the shipped model answers
        log.warning("not using the deployment's router model: %s", exc)
        return None


def _read_postgres(url: str) -> str | None:
    import asyncio

    from bot.storage import MissingDatabase, open_repository

    async def read() -> str | None:
        repo = await open_repository(url, read_only=True)
        try:
            stored = await repo.active_router_model()
        finally:
            await repo.close()
        return stored.model if stored is not None else None

    try:
        return asyncio.run(read())
    except MissingDatabase:
        return None


# -- what moderators and operators see -----------------------------------------------------


@dataclass(frozen=True)
class InUse:
    """The router model in use, as the stats and the dashboard describe it.

    Attributes:
        retrained: A model ``sellerbot train`` adopted (else the shipped one).
        trained: When it was trained (a date for the shipped model).
        items: Corpus items it learnt from.
        examples: Confirmed examples of the deployment it learnt from (0: shipped).
    """

    retrained: bool
    trained: str
    items: int
    examples: int


def shipped_in_use(model: classifier.Model) -> InUse:
    trained: dict[str, Any] = model.trained
    return InUse(False, str(trained.get("date", "?")), int(trained.get("items", 0)), 0)


async def in_use(repo: Repository, shipped: classifier.Model) -> InUse:
    """What the deployment answers with: its active stored model (when usable), else the
    shipped ``shipped``."""
    stored = await repo.active_router_model(with_model=False)
    if stored is None or stored.figures.get("base") != shipped_hash():
        return shipped_in_use(shipped)
    return InUse(True, _minute(stored.trained_at), stored.items, stored.examples)


def _minute(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def describe(core: Core, info: InUse, lang: str, prefix: str) -> str:
    """One line in ``lang`` from the catalogs: ``{prefix}.shipped``, or the plural message
    ``{prefix}.retrained`` (its forms for the number of examples, ``{n}``)."""
    if info.retrained:
        return core.catalogs.ngettext(
            lang, f"{prefix}.retrained", info.examples, date=info.trained, items=info.items
        )
    return core.t(lang, f"{prefix}.shipped", date=info.trained, items=info.items)
