"""Fixtures for the Telegram tests; the helpers live in tg_fixtures (a unique module name, so
the Discord tests' conftest can never shadow them)."""

from tg_fixtures import app, assistant, clock, feed, reminders, repo, standin

__all__ = ["app", "assistant", "clock", "feed", "reminders", "repo", "standin"]
