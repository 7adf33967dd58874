"""A real PostgreSQL server for the tests, run from the machine's Debian binaries.

:class:`PostgresServer` runs ``initdb`` into a temporary folder, starts ``postgres`` on
127.0.0.1 (a free port; its unix socket in the same folder) and stops and deletes it all at the
end. PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` user the Debian package creates (``nobody`` where there is none), through
``runuser``. Nothing is skipped when PostgreSQL is missing: :func:`find_bindir` raises, saying
what to install (``.ci/run`` installs it).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

#: Set to a folder holding ``initdb``, ``pg_ctl`` and ``postgres`` to choose the binaries.
BINDIR_ENV = "SELLERBOT_TEST_PG_BINDIR"
SUPERUSER = "postgres"  # the database role initdb creates (not the operating-system user)


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def find_bindir() -> Path:
    """The folder of ``initdb``/``pg_ctl``/``postgres``: the setting, else the newest Debian
    ``/usr/lib/postgresql/<version>/bin``, else ``pg_config --bindir``.

    Raises:
        PostgresMissing: None of them holds the server binaries.
    """
    candidates: list[str] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(os.environ[BINDIR_ENV])
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versions, key=lambda p: int(Path(p).parent.name), reverse=True)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            )
            candidates.append(out.stdout.strip())
    for folder in candidates:
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PostgresMissing(
        "the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in "
        f"{candidates or '/usr/lib/postgresql/*/bin'}: install them (apt-get install postgresql; "
        f".ci/run does) or set {BINDIR_ENV}"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The operating-system user to run the server as (None: the current one, not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresMissing("running as root and there is no 'postgres' or 'nobody' user")


class PostgresServer:
    """One throw-away PostgreSQL server; :meth:`start`, :meth:`create_database`, :meth:`stop`."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.user = _server_user()
        # not under pytest's tmp folder: /tmp/pytest-of-root is closed to other users
        self.base = Path(tempfile.mkdtemp(prefix="sellerbot-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.log = self.base / "server.log"
        self.port = 0
        self._databases = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.base)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}"
                f"{result.stderr}{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "\nserver log:\n" + self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def start(self) -> PostgresServer:
        """initdb (trust authentication, loopback only) and start the server; waits for it."""
        self.socket_dir.mkdir()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            for path in (self.base, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(self.base, 0o700)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        for attempt in range(5):
            self.port = _free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {self.socket_dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            started = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                "-w", "-t", "60", "start",
                check=attempt == 4,
            )  # fmt: skip
            if started.returncode == 0:
                return self
        raise AssertionError("unreachable")

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL for one database of this server (TCP, loopback)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL through ``psql`` on the unix socket; returns its unaligned output."""
        result = self._run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
            "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-c", sql,
        )  # fmt: skip
        return result.stdout.strip()

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database; returns its URL."""
        self._databases += 1
        name = f"{prefix}_{os.getpid()}_{self._databases}"
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (immediate shutdown: nothing to keep) and delete its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_ready(server: PostgresServer, timeout: float = 30) -> None:
    """Wait until the server answers a query (pg_ctl -w already waits; this double-checks)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.psql("SELECT 1")
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
