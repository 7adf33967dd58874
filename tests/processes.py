"""Real ``sellerbot run`` processes for the operator bench and the deployment test.

:class:`BotProcess` starts the console script of this virtualenv as an operator would:
configured by environment variables only, in an empty working folder (so no ``.env`` is
read), its output in a log file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELLERBOT = Path(sys.executable).with_name("sellerbot")
#: Settings the caller sets itself; anything else of the operator's environment is dropped.
_OURS = ("SELLERBOT_", "TELEGRAM_", "DISCORD_")
_TRACEBACK = "Traceback (most recent call last):"


@dataclass
class BotProcess:
    """One ``sellerbot run``; its stdout and stderr go to ``log``."""

    env: dict[str, str]
    folder: Path
    log: Path
    salt: str = "operator-bench-salt"
    proc: asyncio.subprocess.Process | None = None
    exit_code: int | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
        env.update(
            {
                "SELLERBOT_DATA_DIR": str(self.folder / "data"),
                "SELLERBOT_HASH_SALT": self.salt,
                "SELLERBOT_LOG_LEVEL": "INFO",
                "PTB_TIMEDELTA": "1",
                **self.env,
            }
        )
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                str(SELLERBOT),
                "run",
                cwd=self.folder,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def kill(self) -> None:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.kill()  # SIGKILL: no handler, no clean-up
        self.exit_code = await self.proc.wait()

    async def terminate(self, timeout: float = 30.0) -> float:
        """SIGTERM; the seconds until the process has exited (``timeout`` if it did not)."""
        assert self.proc is not None
        started = time.perf_counter()
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.kill()
            return timeout
        return time.perf_counter() - started


def tracebacks(log: Path) -> tuple[int, list[str]]:
    """Tracebacks in a log: how many, and those with a frame in the bot's own code."""
    text = log.read_text("utf-8", "replace")
    blocks = text.split(_TRACEBACK)[1:]
    ours = [b[:1500] for b in blocks if f'File "{ROOT / "bot"}' in b]
    return len(blocks), ours


def crash_lines(log: Path) -> int:
    """Lines a dying process or an unhandled task leaves."""
    marks = (
        "Task exception was never retrieved",
        "Fatal error",
        "Unhandled exception",
        "adapter stopped",
    )
    return sum(
        any(m in line for m in marks) for line in log.read_text("utf-8", "replace").splitlines()
    )


async def wait_for(check: Callable[[], bool], timeout: float, step: float = 0.02) -> bool:
    """Poll ``check`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.perf_counter() + timeout
    while not check():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)
    return True
