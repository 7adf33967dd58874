"""The house style holds on every run: ruff's lint rules and formatting, and mypy on the bot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["bot", "tests", "bench", "tools"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", *SOURCES),
        ("ruff", "format", "--check", *SOURCES),
        ("mypy", "bot"),
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_the_code_passes(command: tuple[str, ...]) -> None:
    done = _run(*command)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
