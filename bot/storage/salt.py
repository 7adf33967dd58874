"""The salt that member ids are hashed with: configured, or made once per deployment.

A hash of a Telegram or Discord id without a secret salt is reversible (ids are numbers a
laptop enumerates in about an hour). When ``SELLERBOT_HASH_SALT`` is not set, a new deployment
gets a random salt, kept in ``<data folder>/hash-salt`` (readable by its owner only) and read
again at every start. A deployment that already stored hashes without a salt keeps them valid
(a new salt would orphan every stored vote and preference) and is warned at every start.

On PostgreSQL several processes share one database, and each would otherwise make its own
salt: there the setting is required, and the bot refuses to start without it.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.storage.errors import StorageError
from bot.storage.sqlite import MEMORY
from bot.storage.url import is_postgres, sqlite_path

log = logging.getLogger(__name__)

SALT_FILE = "hash-salt"

#: Why a PostgreSQL deployment needs the setting, said when it is missing.
SHARED_SALT_NEEDED = (
    "SELLERBOT_HASH_SALT is not set: a PostgreSQL database is shared by several bot processes, "
    "and they must all hash member ids with the same salt. Set SELLERBOT_HASH_SALT to one "
    "long random value (e.g. python3 -c 'import secrets; print(secrets.token_hex(32))') in "
    "every process's environment, and keep it (a new salt forgets stored votes and "
    "language choices)"
)


@dataclass(frozen=True)
class Salt:
    value: str
    made: bool = False  # new: :func:`settle` saves it once the data folder is known to work
    unsalted: bool = False  # an earlier deployment's empty salt: :func:`settle` warns


def choose(settings: Settings, *, read_only: bool = False) -> Salt:
    """The salt to open storage with (see the module docstring); ``read_only`` makes none.

    Raises:
        StorageError: The database is PostgreSQL and ``SELLERBOT_HASH_SALT`` is not set, or
            the salt file cannot be read.
    """
    configured = settings.sellerbot_hash_salt.get_secret_value()
    if configured:
        return Salt(configured)
    if is_postgres(settings.database_url):
        raise StorageError(SHARED_SALT_NEEDED)
    path = settings.sellerbot_data_dir / SALT_FILE
    try:
        return Salt(path.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StorageError(f"cannot read the hash salt {path}: {exc.strerror or exc}") from exc
    database = sqlite_path(settings.database_url)
    if read_only or (database != MEMORY and Path(database).exists()):
        return Salt("", unsalted=not read_only)
    return Salt(secrets.token_hex(32), made=True)


def settle(settings: Settings, salt: Salt) -> None:
    """Once storage opened: keep a salt :func:`choose` made (readable by its owner only), or
    warn that an earlier deployment hashes without one.

    Raises:
        StorageError: the data folder does not take the file.
    """
    if salt.unsalted:
        log.warning(
            "member ids are hashed without a salt: set SELLERBOT_HASH_SALT (once; "
            "a new salt forgets stored votes and language choices)"
        )
    if not salt.made:
        return
    path = settings.sellerbot_data_dir / SALT_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(salt.value + "\n")
    except OSError as exc:
        raise StorageError(f"cannot write the hash salt {path}: {exc.strerror or exc}") from exc
