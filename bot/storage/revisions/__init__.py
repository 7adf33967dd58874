"""Alembic migration scripts (append-only: never edit a released one, add a new one).

Revision ``vN`` is schema version N; on SQLite each also sets ``PRAGMA user_version`` to N, as
the migrations before Alembic did, so files written before keep being recognised.
"""
