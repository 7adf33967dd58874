"""The console channel: the whole assistant in a terminal, no tokens needed."""

from bot.adapters.console.channel import ConsoleChannel

__all__ = ["ConsoleChannel"]
