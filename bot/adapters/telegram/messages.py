"""Answers as Telegram messages: HTML chunks, with the keyboard on the last one."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.adapters.telegram.keyboards import keyboard
from bot.assistant import Assistant
from bot.core.answer import Answer
from bot.core.escaping import telegram_html

MAX_TEXT = 4096


@dataclass(frozen=True)
class OutMessage:
    """One message to send: Telegram HTML and an optional inline keyboard."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def render(assistant: Assistant, answer: Answer) -> list[OutMessage]:
    """The answer as messages. Situation answers end with "Was this helpful?" (in the template)
    and its buttons.

    The core already splits the HTML on paragraph boundaries into chunks of at most 4,096
    characters; the keyboard goes on the last chunk, which is the message votes refer to.
    """
    chunks = assistant.render(answer, "telegram") or [telegram_html(answer.title)]
    markup = keyboard(answer.choices + answer.feedback)
    out = [OutMessage(c) for c in chunks[:-1]]
    out.append(OutMessage(chunks[-1], markup))
    return out


class Renderer:
    """:func:`render` bound to an assistant: what the handlers pass around."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def __call__(self, answer: Answer) -> list[OutMessage]:
        return render(self.assistant, answer)


def plain(text: str, markup: InlineKeyboardMarkup | None = None) -> OutMessage:
    """A message from plain (adapter) text, HTML-escaped."""
    return OutMessage(telegram_html(text), markup)
