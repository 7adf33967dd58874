"""The hash salt: made once per SQLite deployment, required on a shared PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pg import PostgresServer

from bot.config import load_settings
from bot.storage import StorageError
from bot.storage import salt as hash_salt

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("read_only", [False, True])
def test_postgresql_without_a_configured_salt_is_refused(tmp_path: Path, read_only: bool) -> None:
    settings = load_settings(
        sellerbot_database_url="postgresql://bot:hunter2@db.example/sellerbot",
        sellerbot_data_dir=tmp_path / "data",
        sellerbot_hash_salt="",
    )
    with pytest.raises(StorageError) as excinfo:
        hash_salt.choose(settings, read_only=read_only)
    message = str(excinfo.value)
    assert "SELLERBOT_HASH_SALT" in message and "same salt" in message
    assert "several bot processes" in message
    assert "hunter2" not in message
    assert not (tmp_path / "data").exists()  # no salt file of its own: it would differ


def test_postgresql_uses_the_configured_salt(tmp_path: Path) -> None:
    settings = load_settings(
        sellerbot_database_url="postgresql://bot@db.example/sellerbot",
        sellerbot_data_dir=tmp_path / "data",
        sellerbot_hash_salt="shared-by-every-process",
    )
    salt = hash_salt.choose(settings)
    assert salt == hash_salt.Salt("shared-by-every-process")
    hash_salt.settle(settings, salt)
    assert not (tmp_path / "data").exists()


def test_sqlite_still_makes_its_own_salt(tmp_path: Path) -> None:
    settings = load_settings(sellerbot_data_dir=tmp_path / "data", sellerbot_hash_salt="")
    salt = hash_salt.choose(settings)
    assert salt.made and len(salt.value) == 64


def test_the_bot_does_not_start_on_postgresql_without_the_salt(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERBOT_")}
    env = {k: v for k, v in env.items() if not k.endswith("_TOKEN")}
    env["SELLERBOT_DATABASE_URL"] = postgres.create_database()
    env["SELLERBOT_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli"],
        input="quit\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    [line] = proc.stderr.splitlines()
    assert line.startswith("sellerbot: SELLERBOT_HASH_SALT is not set")
