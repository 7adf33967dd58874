"""The network guard (tests/netguard.py): real platform hosts are refused, loopback is not."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import netguard
import pytest

PLATFORM_HOSTS = [
    "api.telegram.org",
    "discord.com",
    "gateway.discord.gg",
    "us-east1.discord.gg",
    "discordapp.com",
    "cdn.discordapp.com",
    "149.154.167.220",
    "2001:67c:4e8:f004::9",
]


@pytest.mark.parametrize("host", PLATFORM_HOSTS)
def test_resolving_or_connecting_to_a_platform_host_is_refused(host: str) -> None:
    with pytest.raises(netguard.NetworkGuardError):
        socket.getaddrinfo(host, 443)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock, pytest.raises(netguard.NetworkGuardError):
        sock.connect((host, 443))
    assert netguard.refused  # remembered, so the test would fail at teardown...
    netguard.refused.clear()  # ...which this one, expecting it, does not


async def test_a_library_request_to_telegram_is_refused_and_remembered() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(netguard.NetworkGuardError):
            await client.get("https://api.telegram.org/botTOKEN/getMe")
    assert any("api.telegram.org" in r for r in netguard.refused)
    netguard.refused.clear()


async def test_loopback_is_allowed() -> None:
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        for host in ("127.0.0.1", "localhost"):
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            await writer.wait_closed()
    assert netguard.refused == []


def test_the_guard_fails_a_test_whose_library_swallowed_the_error(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["netguard"]\n')
    (tmp_path / "test_swallowed.py").write_text(
        "import socket\n\n"
        "def test_swallowed():\n"
        "    try:\n"
        "        socket.getaddrinfo('discord.com', 443)\n"
        "    except Exception:\n"
        "        pass  # a library that logs and carries on\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(netguard.__file__).parent)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode != 0, run.stdout
    assert "tried to reach the network: discord.com:443" in run.stdout
    assert "1 passed, 1 error" in run.stdout
