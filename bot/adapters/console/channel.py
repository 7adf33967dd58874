"""An interactive chat in the terminal: free text, numbered choices, language switching.

Choices that open something are numbered 1, 2, 3, ... in the order shown; "Back" and the
"Was this helpful?" votes get a letter (the first free letter of their label), so a number
always means the same kind of thing and never moves when a Back button appears. An answer
without choices (a language confirmation, "thanks for the feedback") keeps the menu on screen
usable. Input is read in a daemon thread, so Ctrl-C (or SIGTERM) leaves at once, cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import string
import sys
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.assistant import Assistant, Member, Place
from bot.core import actions
from bot.core.answer import Answer, Choice, ChoiceKind

PLATFORM = "console"
#: Lines that reach a terminal within this many seconds of each other are one paste.
PASTE_GAP = 0.05
QUIT = ("quit", "exit", "q", "keluar", "stop", "stoppen")
#: Choices shown with a letter instead of a number.
LETTERED = (ChoiceKind.BACK, ChoiceKind.RESTART, ChoiceKind.FEEDBACK)
#: How a member undoes a saved language here (named in the confirmation).
UNDO_LANGUAGE = "lang auto"


def keys_for(choices: Sequence[Choice]) -> list[str]:
    """What to type for each choice: 1, 2, 3, ... for choices that open something, and for
    Back and the votes the first letter of their label that is still free ("q" is quit)."""
    keys: list[str] = []
    used = {"q"}
    number = 0
    for choice in choices:
        if choice.kind in LETTERED:
            key = _letter(choice.label, used)
            used.add(key)
        else:
            number += 1
            key = str(number)
        keys.append(key)
    return keys


def _letter(label: str, used: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", label).casefold()
    return next(
        c
        for c in (*plain, *string.ascii_lowercase)
        if c in string.ascii_lowercase and c not in used
    )


class _FdLines:
    """Lines from a file descriptor, read with ``os.read``: no buffered-stream lock held by the
    reading thread, so the interpreter can exit while it waits."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.eof = False

    def readline(self) -> str | None:
        while b"\n" not in self.buffer and not self.eof:
            chunk = os.read(self.fd, 65536)
            if chunk:
                self.buffer += chunk
            else:
                self.eof = True
        if not self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", errors="replace").rstrip("\r")


def _in_daemon_thread(read: Callable[[], str | None]) -> asyncio.Future[str | None]:
    """Run a blocking read in a daemon thread (not the loop's executor, whose shutdown would
    wait for the read: Ctrl-C would do nothing until Enter)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def settle(result: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        result: str | None = None
        error: BaseException | None = None
        try:
            result = read()
        except Exception as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # a closed loop: the channel has left
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="sellerbot-console-input", daemon=True).start()
    return future


class ConsoleChannel:
    """Reads lines from ``stdin`` and writes plain-text answers to ``stdout``."""

    def __init__(
        self,
        assistant: Assistant,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user_id: str = "local",
        locale: str | None = None,
    ) -> None:
        self.assistant = assistant
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.member = Member(PLATFORM, user_id, locale)
        self.place = Place(PLATFORM, None)
        self.choices: tuple[Choice, ...] = ()
        self.keys: list[str] = []
        self.last: Answer | None = None
        self.interactive = self.stdin.isatty() if hasattr(self.stdin, "isatty") else False
        self._read = self._reader()

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def show(self, answer: Answer) -> None:
        for chunk in self.assistant.render(answer, "text"):
            self.write(chunk)
        if answer.buttons:  # a new menu; an answer without choices keeps the one on screen
            self.last = answer
            self.choices = answer.buttons
            self.keys = keys_for(self.choices)
            shown = list(zip(self.keys, self.choices, strict=True))
            split = len(answer.choices)
            self.write()
            for key, choice in shown[:split]:
                self.write(f"  [{key}] {choice.label}")
            if answer.feedback:  # the votes last, on a line of their own
                votes = "  ".join(f"[{key}] {choice.label}" for key, choice in shown[split:])
                if answer.choices:
                    self.write()
                self.write(f"  {answer.labels.get('helpful', '')}  {votes}")
        self.write()

    def choice(self, line: str) -> Choice | None:
        """The choice on screen that ``line`` picks: its number or letter, or its label typed
        out ("yes", "nee", "nggak"); ``b`` is Back in every language."""
        key = " ".join(line.split()).lower()
        for choice, k in zip(self.choices, self.keys, strict=True):
            if key in (k, choice.label.lower()) or (key == "b" and choice.kind == ChoiceKind.BACK):
                return choice
        return None

    # -- input ----------------------------------------------------------------------------
    def _reader(self) -> Callable[[], str | None]:
        if self.interactive:
            fd = self.stdin.fileno()
            return lambda: self._read_paste(fd)
        try:
            fd = self.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # an in-memory stream (tests)
            return self._read_stream_line
        return _FdLines(fd).readline

    def _read_stream_line(self) -> str | None:
        line = self.stdin.readline()
        return None if line == "" else line.rstrip("\n")

    async def readline(self) -> str | None:
        """The next line (or pasted post); None at the end of input."""
        if self.interactive:
            self.stdout.write("> ")
            self.stdout.flush()
        return await _in_daemon_thread(self._read)

    @staticmethod
    def _read_paste(fd: int) -> str | None:
        """One typed line, or a whole pasted post: a terminal hands over one line per read,
        and the lines of a paste arrive together, so whatever follows within ``PASTE_GAP``
        belongs to the same question. None at the end of input (Ctrl-D)."""
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            ready, _, _ = select.select([fd], [], [], PASTE_GAP)
            if not ready:
                break
        if not chunks:
            return None
        return b"".join(chunks).decode("utf-8", errors="replace").rstrip("\n")

    async def _next_line(self, stop: asyncio.Event | None) -> str | None:
        """The next line, or None at the end of input or once ``stop`` is set (Ctrl-C)."""
        if stop is None:
            return await self.readline()
        if stop.is_set():
            return None
        reading = asyncio.ensure_future(self.readline())
        halting = asyncio.ensure_future(stop.wait())
        await asyncio.wait({reading, halting}, return_when=asyncio.FIRST_COMPLETED)
        halting.cancel()
        if stop.is_set():
            reading.cancel()  # the daemon thread may go on waiting; nothing waits for it
            return None
        return reading.result()

    # -- conversation ---------------------------------------------------------------------
    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Chat until ``quit``, the end of input, or ``stop`` (set on Ctrl-C by the runner)."""
        a = self.assistant
        lang = await a.language(self.member, self.place)
        self.write(a.core.t(lang, "ui.console.welcome"))
        self.write(a.core.t(lang, "ui.console.hint"))
        self.write()
        self.show(await a.start_walk(self.member, self.place))
        while True:
            line = await self._next_line(stop)
            if line is None:
                break
            if not await self.handle(line.strip()):
                break
        if stop is not None and stop.is_set() and self.interactive:
            self.write()  # past the "^C" the terminal echoed
        lang = await a.language(self.member, self.place)
        self.write(a.core.t(lang, "ui.console.bye"))

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the member wants to leave."""
        a, m, p = self.assistant, self.member, self.place
        word, _, rest = line.partition(" ")
        command = word.lower()
        if command in QUIT:
            return False
        if not line:
            return True
        choice = self.choice(line)
        if choice is not None:
            ref = f"console:{id(self.last)}" if choice.kind == ChoiceKind.FEEDBACK else None
            self.show(await a.press(choice.token, m, p, answer_ref=ref))
            return True
        if line.isdigit() or len(line) == 1:  # a key press, not a question (nor a statistic)
            lang = await a.language(m, p)
            self.write(a.core.t(lang, "ui.console.invalid", number=line))
            self.write()
            return True
        if command in a.core.catalogs.command_words("language"):
            before = await a.language(m, p)
            if rest.strip():
                self.show(await a.set_language(m, p, rest.strip(), undo=UNDO_LANGUAGE))
            else:
                self.show(await a.language_status(m, p))
            after = await a.language(m, p)
            if after != before:  # the menu on screen keeps working, now in this language
                self.choices = tuple(
                    c._replace(token=actions.in_language(c.token, after)) for c in self.choices
                )
            return True
        if command == "?":
            self.show(await a.help(m, p))
            return True
        if command in ("start", "guide", "menu", "mulai"):
            self.show(await a.start_walk(m, p))
            return True
        if command in ("back", "kembali", "terug"):
            back = next((c for c in self.choices if c.kind == ChoiceKind.BACK), None)
            self.show(await a.press(back.token, m, p) if back else await a.start_walk(m, p))
            return True
        self.show(await a.ask(line, m, p))
        return True
