"""The tests' own PostgreSQL server: real, not root, loopback only, one per session."""

from __future__ import annotations

import os
import pwd

from pg import PostgresServer


def test_the_server_runs_as_another_user_on_loopback_only(postgres: PostgresServer) -> None:
    assert postgres.psql("SELECT 1") == "1"
    assert postgres.psql("SHOW listen_addresses") == "127.0.0.1"
    assert postgres.psql("SHOW port") == str(postgres.port)
    owner = pwd.getpwuid(os.stat(postgres.data).st_uid).pw_name
    assert owner != "root"
    assert postgres.user in (None, owner)
    pid = int((postgres.data / "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0


def test_each_database_is_new_and_empty(postgres: PostgresServer) -> None:
    first, second = postgres.create_database(), postgres.create_database()
    assert first != second
    name = first.rsplit("/", 1)[1]
    tables = postgres.psql(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", name
    )
    assert tables == "0"
