"""Errors raised by the storage layer."""

from __future__ import annotations


class StorageError(Exception):
    """A storage backend cannot be opened or used as asked.

    Raised for unsupported storage URLs, database files written by a newer version of the bot,
    and files that are not usable databases. Callers can catch this one type at start-up.
    """


class StorageBusy(StorageError):
    """Another process kept the database locked past every wait: nothing was written."""


def no_downgrade() -> None:
    """Every migration's ``downgrade``: schema changes are not undone (restore a backup).

    Raises:
        StorageError: Always.
    """
    raise StorageError("schema changes are not undone; restore a backup instead")
