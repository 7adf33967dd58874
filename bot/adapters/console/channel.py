"""An interactive chat in the terminal: free text, numbered choices, language switching."""

from __future__ import annotations

import asyncio
import os
import select
import sys
from typing import TextIO

from bot.assistant import Assistant, Member, Place
from bot.core.answer import Answer, Choice

PLATFORM = "console"
#: Lines that reach a terminal within this many seconds of each other are one paste.
PASTE_GAP = 0.05


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
        self.last: Answer | None = None
        self.interactive = self.stdin.isatty() if hasattr(self.stdin, "isatty") else False

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def show(self, answer: Answer) -> None:
        self.last = answer
        for chunk in self.assistant.render(answer, "text"):
            self.write(chunk)
        self.choices = answer.buttons
        if self.choices:
            self.write()
            first_vote = answer.feedback[0] if answer.feedback else None
            for i, choice in enumerate(self.choices, 1):
                if choice is first_vote:  # "Was this helpful?" above the Yes/No choices
                    self.write(f"  {answer.labels.get('helpful', '')}")
                self.write(f"  [{i}] {choice.label}")
        self.write()

    async def readline(self) -> str | None:
        if self.interactive:
            self.stdout.write("> ")
            self.stdout.flush()
        if self.interactive:
            return await asyncio.to_thread(self._read_paste, self.stdin.fileno())
        line = await asyncio.to_thread(self.stdin.readline)
        return None if line == "" else line.rstrip("\n")

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

    async def run(self) -> None:
        a = self.assistant
        lang = await a.language(self.member, self.place)
        self.write(a.core.t(lang, "ui.console.welcome"))
        self.write(a.core.t(lang, "ui.console.hint"))
        self.write()
        self.show(await a.start_walk(self.member, self.place))
        while True:
            line = await self.readline()
            if line is None:
                break
            if not await self.handle(line.strip()):
                break
        lang = await a.language(self.member, self.place)
        self.write(a.core.t(lang, "ui.console.bye"))

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the member wants to leave."""
        a, m, p = self.assistant, self.member, self.place
        word, _, rest = line.partition(" ")
        command = word.lower()
        if command in ("quit", "exit", "q", "keluar", "stop", "stoppen"):
            return False
        if not line:
            return True
        if line.isdigit():
            n = int(line)
            if 1 <= n <= len(self.choices):
                choice = self.choices[n - 1]
                ref = f"console:{id(self.last)}" if choice.kind == "feedback" else None
                self.show(await a.press(choice.token, m, p, answer_ref=ref))
            else:
                lang = await a.language(m, p)
                self.write(a.core.t(lang, "ui.console.invalid", number=n))
            return True
        if command in ("lang", "language", "bahasa", "taal"):
            if rest.strip():
                self.show(await a.set_language(m, p, rest.strip()))
            else:
                self.show(await a.language_status(m, p))
            return True
        if command == "?":
            self.show(await a.help(m, p))
            return True
        if command in ("start", "guide", "menu", "mulai"):
            self.show(await a.start_walk(m, p))
            return True
        if command in ("back", "kembali", "terug"):
            back = next((c for c in self.choices if c.kind == "back"), None)
            self.show(await a.press(back.token, m, p) if back else await a.start_walk(m, p))
            return True
        self.show(await a.ask(line, m, p))
        return True
