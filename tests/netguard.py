"""A pytest plugin that keeps every test off the network: loopback only.

As python-telegram-bot's own suite does with its offline request class, any attempt to reach a
real host (api.telegram.org, discord.com, gateway.discord.gg, cdn.discordapp.com, ...) fails
the test. Name resolution and socket connections are checked at the ``socket`` module, below
every library (httpx, aiohttp, discord.py, PTB): a host name other than ``localhost`` or an
address outside loopback raises :class:`NetworkGuardError`, and the attempt is remembered, so
the test fails at teardown even when the library it went through swallowed the error (a
polling loop that retries, a handler that logs and carries on).

Loaded from ``tests/conftest.py`` with ``pytest_plugins = ["netguard"]``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

#: Attempts refused during the current test, as "host:port" (read and cleared at teardown).
refused: list[str] = []

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", ""})
_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkGuardError(RuntimeError):
    """A test tried to reach a host that is not this machine.

    (Not an ``OSError``: network libraries retry those instead of giving up.)
    """


def is_local(host: Any) -> bool:
    """Whether ``host`` (a name, an address, or None for "any") stays on this machine."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").split("%")[0].lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # a real host name: api.telegram.org, discord.com, ...
    return address.is_loopback or address.is_unspecified


def _refuse(host: Any, port: Any) -> None:
    where = f"{host}:{port}"
    refused.append(where)
    raise NetworkGuardError(f"tests must not reach the network: {where} (loopback only)")


def _guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local(host):
        _refuse(host, port)
    return _real_getaddrinfo(host, port, *args, **kwargs)


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
        _refuse(address[0], address[1])


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def install() -> None:
    """Patch name resolution and socket connections (idempotent)."""
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


def uninstall() -> None:
    socket.getaddrinfo = _real_getaddrinfo
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    install()


def pytest_unconfigure(config: pytest.Config) -> None:
    uninstall()


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    """Fail the test if it tried to reach a real host, even if the error was swallowed."""
    refused.clear()
    yield
    if refused:
        tried = ", ".join(dict.fromkeys(refused))
        refused.clear()
        pytest.fail(f"the test tried to reach the network: {tried}", pytrace=False)
